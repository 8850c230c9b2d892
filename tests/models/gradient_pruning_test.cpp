// A model's backward computes only the gradients something needs: those of trainable variables and of the inputs
// the caller asked for. Flatten right after the input, or a frozen layer, must not make the layer after it compute
// an input gradient that would be thrown away; and pruning must not change any gradient that is computed.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "keras/keras.hpp"
#include "support/graph_backward.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

kw::Kwargs named(const char* name) {
  kw::Kwargs k;
  k.set("name", std::string(name));
  return k;
}

// Passes its input through (times a weight, if it has one) and records how backward was called.
class ProbeImpl : public SingleInputLayer {
 public:
  ProbeImpl(bool with_weight, const char* name)
      : SingleInputLayer("Probe", named(name)), with_weight_(with_weight) {}
  Shape compute_output_shape(const Shape& s) override { return s; }
  void build_one(const Shape&) override {
    if (with_weight_) scale_ = add_weight("scale", {1}, "ones");
  }
  Tensor forward_one(const Tensor& x, CallContext&) override {
    return with_weight_ ? x * scale_->value.to_vector()[0] : x;
  }
  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    ++backward_calls;
    input_grad_requested.push_back(ctx.input_needs_grad(0));
    if (with_weight_) {
      const Tensor& x = ctx.inputs.at(0);
      float s = 0;
      for (int64_t i = 0; i < g.size(); ++i) s += g.data()[i] * x.data()[i];
      grad_of(*scale_).data()[0] += s;
      return g * scale_->value.to_vector()[0];
    }
    return g;
  }
  int backward_calls = 0;
  std::vector<bool> input_grad_requested;

 private:
  bool with_weight_;
  VariablePtr scale_;
};

Tensor images(int64_t n) { return random::uniform({n, 4, 4, 1}); }
Tensor labels(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 3);
  return Tensor::from_range(v.begin(), v.end(), {n});
}

void one_step(Sequential& model) {
  model.compile(optimizer = "sgd", loss = "sparse_categorical_crossentropy");
  model.train_on_batch(images(6), labels(6));
}

}  // namespace

TEST(GradientPruning, LayerAfterFlattenOfTheInputComputesNoInputGradient) {
  utils::set_random_seed(1);
  auto probe = std::make_shared<ProbeImpl>(true, "probe");
  Sequential model({Input({4, 4, 1}), layers::Flatten(), Layer(probe), layers::Dense(3, activation = "softmax")});
  one_step(model);
  EXPECT_EQ(probe->backward_calls, 1);  // it has a trainable weight
  EXPECT_EQ(probe->input_grad_requested, std::vector<bool>{false});
}

TEST(GradientPruning, WeightlessLayersBeforeTheFirstTrainableOneAreSkipped) {
  utils::set_random_seed(2);
  auto probe = std::make_shared<ProbeImpl>(false, "probe");
  Sequential model({Input({4, 4, 1}), Layer(probe), layers::Flatten(), layers::Dense(3, activation = "softmax")});
  one_step(model);
  EXPECT_EQ(probe->backward_calls, 0);
}

TEST(GradientPruning, NothingBehindAFrozenLayerIsDifferentiated) {
  utils::set_random_seed(3);
  auto probe = std::make_shared<ProbeImpl>(true, "probe");
  layers::Dense frozen(8, activation = "relu");
  Sequential model(
      {Input({4, 4, 1}), layers::Flatten(), frozen, Layer(probe), layers::Dense(3, activation = "softmax")});
  frozen.set_trainable(false);
  one_step(model);
  EXPECT_EQ(probe->backward_calls, 1);  // it has a trainable weight...
  EXPECT_EQ(probe->input_grad_requested, std::vector<bool>{false});  // ...but nothing before it is trainable
  for (const auto& v : frozen.impl()->variables()) EXPECT_FALSE(v->grad.defined()) << v->name;
}

TEST(GradientPruning, AnInputGradientAskedForStillFlowsThroughEveryLayer) {
  utils::set_random_seed(4);
  auto probe = std::make_shared<ProbeImpl>(false, "probe");
  Sequential model({Input({4, 4, 1}), Layer(probe), layers::Flatten(), layers::Dense(3)});
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {images(2)};
  ctx.needs_input_grad = {true};
  std::vector<Tensor> out = model.graph().forward(ctx);
  std::vector<Tensor> dx = model.graph().backward(ctx, {Tensor::ones(out[0].dims())});
  EXPECT_EQ(probe->backward_calls, 1);
  EXPECT_EQ(probe->input_grad_requested, std::vector<bool>{true});
  ASSERT_TRUE(dx.at(0).defined());
  EXPECT_EQ(dx[0].dims(), (std::vector<int64_t>{2, 4, 4, 1}));
}

TEST(GradientPruning, WeightGradientsAreTheSameWithOrWithoutTheInputGradient) {
  utils::set_random_seed(6);
  Sequential mlp({Input({4, 4, 1}), layers::Flatten(), layers::Dense(8, activation = "relu"), layers::Dense(3)});
  Sequential cnn({Input({6, 6, 2}), layers::Rescaling(0.5), layers::Conv2D(3, 3, activation = "relu"),
                  layers::MaxPooling2D(), layers::Flatten(), layers::Dense(2)});
  for (Sequential* model : {&mlp, &cnn}) {
    const Shape in = model->input_shape();
    std::vector<int64_t> dims{3};
    for (int i = 1; i < in.ndim(); ++i) dims.push_back(in[i].value());
    const Tensor x = random::normal(dims);
    const auto pruned = keras::test_support::graph_backward(*model, x, false);
    const auto full = keras::test_support::graph_backward(*model, x, true);
    EXPECT_FALSE(pruned.input_grads.at(0).defined());
    ASSERT_TRUE(full.input_grads.at(0).defined());
    ASSERT_EQ(pruned.weight_grads.size(), full.weight_grads.size());
    for (size_t i = 0; i < full.weight_grads.size(); ++i)
      EXPECT_EQ(pruned.weight_grads[i], full.weight_grads[i]) << model->name() << " weight " << i;
  }
}
