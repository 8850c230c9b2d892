// Models run a Conv2D with relu and the 2x2 max pooling that alone reads it as one kernel (models/conv_pool_pairs.cpp):
// outputs, weight and input gradients and a whole fit must be those of the two layers run one after the other, and
// only such pairs may be fused. A few-channel Conv2D without such a pooling runs its forward and kernel gradient on
// the same AVX-512 code, and must follow oneDNN's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "backend/conv_pool_fused.hpp"
#include "keras/keras.hpp"
#include "support/conv_pool_fusion.hpp"
#include "support/gradient_check.hpp"
#include "support/graph_backward.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

using Fusion = keras::test_support::ConvPoolFusionScope;

bool machine_fuses() {
  backend::ConvPoolSpec s;
  s.batch = 1, s.in_h = 4, s.in_w = 4, s.in_channels = 1, s.filters = 16, s.kernel_h = 3, s.kernel_w = 3;
  return backend::conv_pool_fusable(s);
}

// Which nodes a training forward left to the node after them.
std::vector<bool> fused_nodes(Model& model, const Tensor& x) {
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  model.graph().forward(ctx);
  std::vector<bool> out;
  for (const CallContext& c : ctx.children) out.push_back(c.fused);
  return out;
}

void expect_near(const std::vector<float>& a, const std::vector<float>& b, double tol, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i)
    ASSERT_NEAR(a[i], b[i], tol * (1.0 + std::fabs(b[i]))) << what << " [" << i << "]";
}

Tensor batch_for(const Model& model, int64_t n) {
  const Shape in = model.input_shape();
  std::vector<int64_t> dims{n};
  for (int i = 1; i < in.ndim(); ++i) dims.push_back(in[i].value());
  return random::normal(dims);
}

}  // namespace

TEST(ConvPoolFusion, GivesTheUnfusedOutputsAndGradients) {
  if (!machine_fuses()) GTEST_SKIP() << "this CPU has no AVX-512: the layers run unfused";
  utils::set_random_seed(41);
  // "same" padding, a non-square kernel, filters filling two and a half vectors; then the benchmark's pattern, whose
  // second convolution (32 input channels) runs unfused.
  Sequential wide({Input({12, 13, 2}), layers::Conv2D(40, std::vector<int64_t>{3, 2}, activation = "relu",
                                                      padding = "same"),
                   layers::MaxPooling2D(), layers::Flatten(), layers::Dense(3, activation = "softmax")});
  Sequential cnn({Input({14, 14, 1}), layers::Conv2D(32, 3, activation = "relu"), layers::MaxPooling2D(),
                  layers::Conv2D(8, 3, activation = "relu"), layers::MaxPooling2D(), layers::Flatten(),
                  layers::Dense(4)});
  for (Sequential* model : {&wide, &cnn}) {
    const Tensor x = batch_for(*model, 5);
    const std::vector<bool> fused = fused_nodes(*model, x);
    ASSERT_TRUE(fused.at(0)) << model->name();  // the first convolution ran inside its pooling's node
    EXPECT_EQ(std::count(fused.begin(), fused.end(), true), 1) << model->name();

    Tensor fused_out, plain_out;
    {
      const Fusion on(true);
      fused_out = model->predict(x, verbose = 0);
    }
    {
      const Fusion off(false);
      plain_out = model->predict(x, verbose = 0);
    }
    expect_near(fused_out.to_vector(), plain_out.to_vector(), 1e-5, model->name() + " predict");

    for (const bool input_grad : {false, true}) {
      keras::test_support::GraphBackward on, off;
      {
        const Fusion f(true);
        on = keras::test_support::graph_backward(*model, x, input_grad);
      }
      {
        const Fusion f(false);
        off = keras::test_support::graph_backward(*model, x, input_grad);
      }
      ASSERT_EQ(on.weight_grads.size(), off.weight_grads.size());
      for (size_t i = 0; i < on.weight_grads.size(); ++i)
        expect_near(on.weight_grads[i], off.weight_grads[i], 1e-5, model->name() + " weight " + std::to_string(i));
      ASSERT_EQ(on.input_grads.at(0).defined(), input_grad);
      if (input_grad)
        expect_near(on.input_grads[0].to_vector(), off.input_grads[0].to_vector(), 1e-5, model->name() + " input");
    }
  }
}

TEST(ConvPoolFusion, GradientsMatchCentralDifferences) {
  if (!machine_fuses()) GTEST_SKIP() << "this CPU has no AVX-512: the layers run unfused";
  // At this seed no input sits near a relu or max-pooling kink (at seeds 1-3 and 5-8 some do, and the unfused layers
  // miss the same entries).
  utils::set_random_seed(4);
  Sequential model({Input({6, 7, 2}), layers::Conv2D(20, std::vector<int64_t>{3, 2}, activation = "relu",
                                                     padding = "same"),
                    layers::MaxPooling2D(), layers::Flatten(), layers::Dense(2)});
  const Tensor x = random::normal({1, 6, 7, 2});
  ASSERT_TRUE(fused_nodes(model, x).at(0));
  keras::test_support::expect_gradients_match(model, {x});
}

TEST(ConvPoolFusion, TrainingFollowsTheUnfusedLayers) {
  if (!machine_fuses()) GTEST_SKIP() << "this CPU has no AVX-512: the layers run unfused";
  auto run = [](bool fuse) {
    const Fusion f(fuse);
    utils::set_random_seed(5);
    const Tensor x = random::uniform({48, 10, 10, 1});
    Tensor y = Tensor::zeros({48});
    for (int64_t i = 0; i < 48; ++i) y.data()[i] = static_cast<float>(i % 3);
    Sequential model({Input({10, 10, 1}), layers::Conv2D(16, 3, activation = "relu"), layers::MaxPooling2D(),
                      layers::Flatten(), layers::Dense(3, activation = "softmax")});
    model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy");
    History h = model.fit(x, y, epochs = 3, batch_size = 8, verbose = 0);
    std::vector<float> weights;
    for (const Tensor& w : model.get_weights()) {
      const auto v = w.to_vector();
      weights.insert(weights.end(), v.begin(), v.end());
    }
    return std::make_pair(h.history.at("loss"), weights);
  };
  const auto [fused_loss, fused_weights] = run(true);
  const auto [plain_loss, plain_weights] = run(false);
  ASSERT_EQ(fused_loss.size(), plain_loss.size());
  for (size_t i = 0; i < fused_loss.size(); ++i) EXPECT_NEAR(fused_loss[i], plain_loss[i], 1e-5 * plain_loss[i]);
  expect_near(fused_weights, plain_weights, 1e-4, "weights after fit");
}

TEST(ConvPoolFusion, OnlyWhereSound) {
  if (!machine_fuses()) GTEST_SKIP() << "this CPU has no AVX-512: the layers run unfused";
  utils::set_random_seed(42);
  auto in = Input({10, 10, 1});
  auto flat_max = [](const KerasTensor& t) { return layers::Flatten()(layers::MaxPooling2D()(t)); };
  // The one sound pair, as a control.
  auto sound = flat_max(layers::Conv2D(16, 3, activation = "relu", name = "sound")(in));
  // The convolution's output also feeds another layer.
  auto shared = layers::Conv2D(16, 3, activation = "relu")(in);
  auto shared_max = flat_max(shared);
  auto shared_other = layers::Flatten()(shared);
  // Not a plain relu convolution: relu6, linear, strides 2, 8 input channels, channels_first.
  auto capped = flat_max(layers::Conv2D(16, 3, activation = "relu6")(in));
  auto linear = flat_max(layers::Conv2D(16, 3)(in));
  auto strided = flat_max(layers::Conv2D(16, 3, strides = 2, activation = "relu")(in));
  auto eight = layers::Conv2D(8, 1)(in);
  auto wide_in = flat_max(layers::Conv2D(16, 3, activation = "relu")(eight));
  // Not a 2x2/2 "valid" max pooling.
  auto conv = [&] { return layers::Conv2D(16, 3, activation = "relu")(in); };
  auto avg = layers::Flatten()(layers::AveragePooling2D()(conv()));
  auto three = layers::Flatten()(layers::MaxPooling2D(3)(conv()));
  auto step1 = layers::Flatten()(layers::MaxPooling2D(2, strides = 1)(conv()));
  auto same = layers::Flatten()(layers::MaxPooling2D(2, padding = "same")(conv()));
  // A convolution that is a model output, with its pooling another.
  auto out_conv = conv();
  auto out_pool = layers::MaxPooling2D()(out_conv);
  Model model(in, std::vector<KerasTensor>{
                      layers::Dense(1)(layers::Concatenate()({sound, shared_max, shared_other, capped, linear, strided,
                                                              wide_in, avg, three, step1, same})),
                      out_conv, out_pool});
  const std::vector<bool> fused = fused_nodes(model, random::normal({2, 10, 10, 1}));
  ASSERT_EQ(fused.size(), model.graph().nodes().size());
  for (size_t k = 0; k < fused.size(); ++k) {
    const LayerImpl& layer = *model.graph().nodes()[k]->layer;
    EXPECT_EQ(fused[k], layer.name() == "sound") << layer.name();
  }
  // channels_first data.
  Sequential first({Input({1, 10, 10}), layers::Conv2D(16, 3, activation = "relu", data_format = "channels_first"),
                    layers::MaxPooling2D(2, data_format = "channels_first"), layers::Flatten(), layers::Dense(1)});
  const std::vector<bool> none = fused_nodes(first, random::normal({2, 1, 10, 10}));
  EXPECT_EQ(none, std::vector<bool>(none.size(), false));
}

TEST(ConvPoolFusion, FewChannelKernelGradientFollowsOneDnn) {
  // A Conv2D on 1-4 channels that is not followed by pooling (here by BatchNormalization, as in cnn_bn) takes its
  // kernel and bias gradients from the few-channel kernel; they must match oneDNN's, and central differences.
  if (!machine_fuses()) GTEST_SKIP() << "this CPU has no AVX-512: oneDNN computes these gradients";
  utils::set_random_seed(61);
  Sequential model({Input({9, 9, 3}), layers::Conv2D(8, 3, padding = "same"), layers::BatchNormalization(),
                    layers::Activation("relu"), layers::Flatten(), layers::Dense(3)});
  const Tensor x = random::normal({4, 9, 9, 3});
  const keras::test_support::GraphBackward fast = keras::test_support::graph_backward(model, x);
  keras::test_support::GraphBackward plain;
  {
    const keras::test_support::ConvPoolFusionScope unfused(false);
    plain = keras::test_support::graph_backward(model, x);
  }
  ASSERT_EQ(fast.weight_grads.size(), plain.weight_grads.size());
  for (size_t i = 0; i < fast.weight_grads.size(); ++i)
    for (size_t j = 0; j < fast.weight_grads[i].size(); ++j)
      ASSERT_NEAR(fast.weight_grads[i][j], plain.weight_grads[i][j], 1e-5 * (1 + std::fabs(plain.weight_grads[i][j])))
          << "weight " << i << " entry " << j;
  EXPECT_LT(max_abs_diff(fast.input_grads.at(0), plain.input_grads.at(0)), 1e-5f);
  layers::Conv2D conv(4, 3, padding = "same");
  conv(random::normal({2, 6, 6, 2}));
  keras::test_support::expect_gradients_match(conv, {random::normal({2, 6, 6, 2})});
}

TEST(ConvPoolFusion, FewChannelForwardFollowsOneDnn) {
  // Such a Conv2D also runs its forward on the few-channel kernel: with relu (applied in the kernel), without an
  // activation, without bias, on 1 to 4 channels, "valid" and "same". Predictions, training-mode outputs and all
  // gradients must match oneDNN's to rounding.
  if (!machine_fuses()) GTEST_SKIP() << "this CPU has no AVX-512: oneDNN runs these convolutions";
  utils::set_random_seed(67);
  for (int channels = 1; channels <= 4; ++channels) {
    Sequential model({Input({11, 13, channels}), layers::Conv2D(24, 3, activation = "relu", padding = "same"),
                      layers::Conv2D(8, {2, 3}, use_bias = false), layers::Flatten(), layers::Dense(3)});
    const Tensor x = random::normal({5, 11, 13, channels});
    const Tensor fast = model.predict(x, verbose = 0);
    const keras::test_support::GraphBackward fast_grads = keras::test_support::graph_backward(model, x);
    Tensor plain;
    keras::test_support::GraphBackward plain_grads;
    {
      const Fusion unfused(false);
      plain = model.predict(x, verbose = 0);
      plain_grads = keras::test_support::graph_backward(model, x);
    }
    const std::string what = std::to_string(channels) + " channels";
    expect_near(fast.to_vector(), plain.to_vector(), 1e-5, what + " predict");
    ASSERT_EQ(fast_grads.weight_grads.size(), plain_grads.weight_grads.size());
    for (size_t i = 0; i < fast_grads.weight_grads.size(); ++i)
      expect_near(fast_grads.weight_grads[i], plain_grads.weight_grads[i], 1e-5, what + " weight " + std::to_string(i));
    expect_near(fast_grads.input_grads.at(0).to_vector(), plain_grads.input_grads.at(0).to_vector(), 1e-5,
                what + " input");
  }
}
