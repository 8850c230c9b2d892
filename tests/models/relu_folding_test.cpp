// Models let max pooling apply the relu gradient of the Dense or convolution before it (CallContext::
// fold_input_relu): the gradients must be exactly those of the unfolded backward, and folding must happen only
// where it is sound.
#include <gtest/gtest.h>

#include <vector>

#include "keras/keras.hpp"
#include "models/relu_folding.hpp"
#include "support/conv_pool_fusion.hpp"
#include "support/gradient_check.hpp"
#include "support/graph_backward.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

struct Backward {
  std::vector<std::vector<float>> grads;  // the input's, then every weight's
  std::vector<bool> folded;               // per node: fold_input_relu
  std::vector<bool> preactivation;        // per node: grad_wrt_preactivation
};

Backward run_backward(Model& model, const Tensor& x, bool folding) {
  keras::detail::set_relu_folding(folding);
  const keras::test_support::GraphBackward run = keras::test_support::graph_backward(model, x);
  keras::detail::set_relu_folding(true);
  Backward out;
  out.grads.push_back(run.input_grads.at(0).to_vector());
  out.grads.insert(out.grads.end(), run.weight_grads.begin(), run.weight_grads.end());
  for (const CallContext& c : run.ctx.children) {
    out.folded.push_back(c.fold_input_relu);
    out.preactivation.push_back(c.grad_wrt_preactivation);
  }
  return out;
}

}  // namespace

TEST(ReluFolding, ConvAndDenseBeforeMaxPoolingGiveTheUnfoldedGradients) {
  // Folding itself: the convolution and max pooling would otherwise run as one fused kernel, which needs none.
  const keras::test_support::ConvPoolFusionScope unfused(false);
  utils::set_random_seed(31);
  Sequential cnn({Input({9, 9, 2}), layers::Conv2D(4, 3, activation = "relu"), layers::MaxPooling2D(),
                  layers::Conv2D(3, 2, activation = "relu", padding = "same"),
                  layers::MaxPooling2D(2, padding = "same"), layers::Flatten(), layers::Dense(5)});
  Sequential seq({Input({7, 3}), layers::Dense(4, activation = "relu"), layers::MaxPooling1D(2), layers::Flatten(),
                  layers::Dense(2)});
  for (Sequential* model : {&cnn, &seq}) {
    const Shape in = model->input_shape();
    std::vector<int64_t> dims{3};
    for (int i = 1; i < in.ndim(); ++i) dims.push_back(in[i].value());
    const Tensor x = random::normal(dims);
    const Backward folded = run_backward(*model, x, true), plain = run_backward(*model, x, false);
    ASSERT_EQ(folded.grads.size(), plain.grads.size());
    for (size_t i = 0; i < folded.grads.size(); ++i) EXPECT_EQ(folded.grads[i], plain.grads[i]) << "gradient " << i;
    // Each max pooling folded its producer's relu, and the producer skipped it.
    for (size_t k = 0; k < folded.folded.size(); ++k) {
      const std::string cls = model->layers()[k].impl()->class_name();
      EXPECT_EQ(folded.folded[k], cls.rfind("MaxPooling", 0) == 0) << cls;
      if (k + 1 < folded.folded.size() && folded.folded[k + 1]) {
        EXPECT_TRUE(folded.preactivation[k]) << cls;
      }
    }
    EXPECT_EQ(plain.folded, std::vector<bool>(plain.folded.size(), false));
  }
  // And against central differences (inputs far from the relu's and the maxima's kinks at this seed).
  utils::set_random_seed(3);
  keras::test_support::expect_gradients_match(cnn, {random::normal({1, 9, 9, 2})});
}

TEST(ReluFolding, OnlyWhereSound) {
  // Folding itself: the convolution and max pooling would otherwise run as one fused kernel, which needs none.
  const keras::test_support::ConvPoolFusionScope unfused(false);
  utils::set_random_seed(32);
  auto in = Input({8, 8, 1});
  // The relu output also feeds another layer: its gradient there must still go through the relu.
  auto shared = layers::Conv2D(2, 3, activation = "relu")(in);
  auto pooled = layers::Flatten()(layers::MaxPooling2D()(shared));
  auto other = layers::Flatten()(layers::AveragePooling2D()(shared));
  // relu6 and a linear conv are not plain relu outputs; average pooling cannot fold.
  auto capped = layers::Flatten()(layers::MaxPooling2D()(layers::Conv2D(2, 3, activation = "relu6")(in)));
  auto linear = layers::Flatten()(layers::MaxPooling2D()(layers::Conv2D(2, 3)(in)));
  auto avg = layers::Flatten()(layers::AveragePooling2D()(layers::Conv2D(2, 3, activation = "relu")(in)));
  Model model(in, layers::Dense(1)(layers::Concatenate()({pooled, other, capped, linear, avg})));
  const Tensor x = random::normal({2, 8, 8, 1});
  const Backward folded = run_backward(model, x, true), plain = run_backward(model, x, false);
  EXPECT_EQ(folded.folded, std::vector<bool>(folded.folded.size(), false));
  for (size_t i = 0; i < folded.grads.size(); ++i) EXPECT_EQ(folded.grads[i], plain.grads[i]) << "gradient " << i;

  // A relu output that is also a model output gets the loss's gradient directly: no folding either.
  auto in2 = Input({6, 3});
  auto hidden = layers::Dense(4, activation = "relu")(in2);
  Model two(in2, std::vector<KerasTensor>{hidden, layers::MaxPooling1D()(hidden)});
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {random::normal({2, 6, 3})};
  std::vector<Tensor> outs = two.graph().forward(ctx);
  two.graph().backward(ctx, {Tensor::ones(outs[0].dims()), Tensor::ones(outs[1].dims())});
  for (const CallContext& c : ctx.children) EXPECT_FALSE(c.fold_input_relu);
}
