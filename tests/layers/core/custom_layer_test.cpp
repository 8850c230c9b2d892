#include "keras/layers/core/custom_layer.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "callbacks/callback_test_support.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

namespace custom_layer_test {

// Keras's guide example: y = x w + b, written with keras::ops.
class LinearImpl : public layers::CustomLayer {
 public:
  explicit LinearImpl(int64_t units, const kw::Kwargs& k = {}) : CustomLayer("Linear", k), units_(units) {}
  void build(const Shape& input_shape) override {
    w_ = add_weight("kernel", {input_shape[-1].value(), units_}, "glorot_uniform");
    b_ = add_weight("bias", {units_}, "zeros");
  }
  Tensor call(const Tensor& x, bool) override { return ops::matmul(x, w_->value) + b_->value; }

 private:
  int64_t units_;
  VariablePtr w_, b_;
};

// A block with layers of its own, the training flag passed on to its Dropout, and a residual connection.
class ResidualBlockImpl : public layers::CustomLayer {
 public:
  explicit ResidualBlockImpl(float rate) : CustomLayer("ResidualBlock"), rate_(rate) {}
  void build(const Shape& input_shape) override {
    inner_ = track(layers::Dense(input_shape[-1].value(), activation = "tanh"));
    dropout_ = track(layers::Dropout(rate_));
    scale_ = add_weight("scale", {1}, "ones");
  }
  Tensor call(const Tensor& x, bool) override { return x + dropout_(inner_(x)) * scale_->value; }
  Layer inner() const { return inner_; }

 private:
  float rate_;
  Layer inner_, dropout_;
  VariablePtr scale_;
};

// A layer that states its output shape and checks its input, as Keras layers raise in build().
class PairSumImpl : public layers::CustomLayer {
 public:
  PairSumImpl() : CustomLayer("PairSum") {}
  Shape compute_output_shape(const Shape& s) override {
    if (s.ndim() != 3 || !s[-1].known() || s[-1].value() != 2)
      throw ValueError("PairSum expects inputs of shape (batch, steps, 2), received " + to_string(s) + ".",
                       {.layer = name(), .expected = "(batch, steps, 2)", .received = to_string(s),
                        .hint = "reshape the input so its last axis holds the pairs."});
    return Shape{s[0], s[1]};
  }
  Tensor call(const Tensor& x, bool) override { return ops::sum(x, -1); }
};

// A call() that computes its output outside keras::ops: its gradient cannot reach the input.
class LoopImpl : public layers::CustomLayer {
 public:
  LoopImpl() : CustomLayer("Loop") {}
  Tensor call(const Tensor& x, bool) override {
    Tensor y = Tensor::empty(x.dims());
    for (int64_t i = 0; i < x.size(); ++i) y.data()[i] = 2.0f * x.data()[i];
    return y;
  }
};

}  // namespace custom_layer_test

using namespace custom_layer_test;

TEST(CustomLayer, ShapesNamesAndSummary) {
  utils::clear_session();
  Layer linear = layers::make_layer<LinearImpl>(4);
  EXPECT_EQ(linear.name(), "linear");
  EXPECT_EQ(linear.class_name(), "Linear");
  auto in = Input(shape = {3});
  auto out = linear(in);
  EXPECT_EQ(out.shape(), (Shape{None, 4}));
  EXPECT_EQ(linear.count_params(), 16);
  Model model(in, layers::make_layer<LinearImpl>(2)(out));
  const std::string text = model.summary_string();
  EXPECT_NE(text.find("linear_1 (Linear)"), std::string::npos) << text;
  EXPECT_NE(text.find("(None, 2)"), std::string::npos) << text;
  // Named through the keywords every layer takes.
  EXPECT_EQ(layers::make_layer<LinearImpl>(2, kw::collect<layers::CustomLayer>(name = "head")).name(), "head");
  // A stated output shape, with the layer's own error before any data.
  Layer pairs = layers::make_layer<PairSumImpl>();
  EXPECT_EQ(pairs(Input(shape = {5, 2})).shape(), (Shape{None, 5}));
  kt::expect_error_says([&] { pairs(Input(shape = {5, 3})); },
                        {"PairSum expects inputs of shape (batch, steps, 2), received (None, 5, 3).", "Hint:"});
  // An inferred shape that cannot work: Keras's matmul message, at definition time.
  Layer fixed = layers::make_layer<LinearImpl>(2);
  fixed(Input(shape = {3}));
  kt::expect_error_says([&] { fixed(Input(shape = {5})); },
                        {"Exception encountered when calling Linear.call().",
                         "Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received "
                         "`x1.shape=(1, 5)` and `x2.shape=(3, 2)`.",
                         "Arguments received by Linear.call():\n  \u2022 x=<KerasTensor shape=(None, 5), dtype=float32>",
                         "Hint:"});
}

TEST(CustomLayer, MatchesDenseAndItsGradients) {
  utils::set_random_seed(11);
  Layer linear = layers::make_layer<LinearImpl>(5);
  layers::Dense dense(5);
  const Tensor x = random::normal({6, 4});
  linear(x);
  dense(x);
  std::vector<Tensor> w = linear.get_weights();
  w[1] = random::normal({5});
  linear.set_weights(w);
  dense.set_weights(w);
  EXPECT_LT(max_abs_diff(linear(x), dense(x)), 1e-6f);
  kt::expect_gradients_match(linear, {x});
}

TEST(CustomLayer, SublayersAndTrainingFlag) {
  utils::set_random_seed(13);
  auto block_impl = std::make_shared<ResidualBlockImpl>(0.0f);
  Layer block(block_impl);
  const Tensor x = random::normal({4, 3});
  block(x);
  // Its own weight first, then those of the layers it tracks, as Keras lists a layer's weights.
  EXPECT_EQ(block.get_weights().size(), 3u);
  EXPECT_EQ(block.count_params(), 3 * 3 + 3 + 1);
  kt::expect_gradients_match(block, {x});
  // In training, the Dropout inside sees training=true; the recorded pass is the one backward differentiates.
  Layer noisy(std::make_shared<ResidualBlockImpl>(0.5f));
  Sequential model({layers::Input({3}), noisy, layers::Dense(1)});
  model.compile(optimizer = "adam", loss = "mse");
  const Tensor inner_before = model.layers()[0].get_weights()[0].copy();
  EXPECT_EQ(max_abs_diff(model.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  const Tensor y = random::normal({4, 1});
  const auto losses = model.fit(x, y, epochs = 30, batch_size = 4, verbose = 0).history.at("loss");
  EXPECT_GT(max_abs_diff(model.layers()[0].get_weights()[0], inner_before), 0.0f);  // the inner Dense trained
  EXPECT_LT(losses.back(), losses.front());
}

TEST(CustomLayer, TrainsInAModelAndExplainsWhatItCannotDifferentiate) {
  utils::set_random_seed(17);
  const Tensor x = random::normal({64, 3});
  Tensor y = Tensor::empty({64, 1});
  for (int i = 0; i < 64; ++i) y.data()[i] = 0.5f * x.at({i, 0}) - x.at({i, 2}) + 0.25f;
  Sequential model({layers::Input({3}), layers::make_layer<LinearImpl>(1)});
  model.compile(optimizer = "adam", loss = "mse");
  const auto losses = model.fit(x, y, epochs = 300, batch_size = 16, verbose = 0).history.at("loss");
  EXPECT_LT(losses.back(), 0.01 * losses.front());
  // A loop over data() gives no path to the input: training says so instead of passing a zero gradient.
  Sequential looped({layers::Input({3}), layers::Dense(3), layers::make_layer<LoopImpl>(), layers::Dense(1)});
  looped.compile(optimizer = "sgd", loss = "mse");
  try {
    looped.fit(x, y, epochs = 1, verbose = 0);
    ADD_FAILURE() << "expected NotImplementedError";
  } catch (const NotImplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("keraspp cannot differentiate the call() of layer \"loop\" (Loop)"),
              std::string::npos) << e.what();
  }
}

TEST(CustomLayer, SavesItsWeightsNotItsCode) {
  utils::clear_session();
  utils::set_random_seed(19);
  auto make = [] { return Sequential({layers::Input({3}), layers::make_layer<LinearImpl>(2)}); };
  Sequential model = make();
  kt::ScratchDir dir;
  kt::expect_error_says([&] { model.save(dir / "m.keras"); },
                        {"keraspp cannot save layer 'linear' (Linear) in a model file", "save_weights"});
  model.save_weights(dir / "m.weights.h5");
  Sequential rebuilt = make();
  rebuilt.load_weights(dir / "m.weights.h5");
  const Tensor x = random::normal({4, 3});
  EXPECT_EQ(max_abs_diff(model.predict(x, verbose = 0), rebuilt.predict(x, verbose = 0)), 0.0f);
}
