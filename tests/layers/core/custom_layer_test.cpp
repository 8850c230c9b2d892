#include "keras/layers/core/custom_layer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "keras/keras.hpp"
#include "callbacks/callback_test_support.hpp"
#include "saving/h5_store.hpp"
#include "support/gradient_check.hpp"
#include "support/saving_helpers.hpp"
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
  layers::LayerConfig get_config() const override { return layers::LayerConfig().set("units", units_); }

 private:
  int64_t units_;
  VariablePtr w_, b_;
};

// A block with layers of its own, the training flag passed on to its Dropout, and a residual connection.
class ResidualBlockImpl : public layers::CustomLayer {
 public:
  explicit ResidualBlockImpl(float rate) : CustomLayer("ResidualBlock"), rate_(rate) {}
  void build(const Shape& input_shape) override {
    inner_ = track("inner", layers::Dense(input_shape[-1].value(), activation = "tanh"));
    dropout_ = track("dropout", layers::Dropout(rate_));
    scale_ = add_weight("scale", {1}, "ones");
  }
  Tensor call(const Tensor& x, bool) override { return x + dropout_(inner_(x)) * scale_->value; }
  layers::LayerConfig get_config() const override { return layers::LayerConfig().set("rate", rate_); }

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

// Keras's @register_keras_serializable(package="my_layers") for both, with from_config reading get_config's values.
const bool linear_registered = layers::register_custom_layer("my_layers", "Linear", [](const layers::LayerConfig& c) {
  return std::make_shared<LinearImpl>(c.get<int64_t>("units"));
});
const bool block_registered = layers::register_custom_layer(
    "my_layers", "ResidualBlock",
    [](const layers::LayerConfig& c) { return std::make_shared<ResidualBlockImpl>(c.get<float>("rate")); });

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
  const Tensor inner_before = model.layers()[0].get_weights()[1].copy();  // the inner Dense's kernel
  EXPECT_EQ(max_abs_diff(model.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  const Tensor y = random::normal({4, 1});
  const auto losses = model.fit(x, y, epochs = 30, batch_size = 4, verbose = 0).history.at("loss");
  EXPECT_GT(max_abs_diff(model.layers()[0].get_weights()[1], inner_before), 0.0f);  // the inner Dense trained
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

TEST(CustomLayer, SavesAndLoadsAsKerasDoesARegisteredClass) {
  ASSERT_TRUE(linear_registered && block_registered);
  utils::clear_session();
  utils::set_random_seed(19);
  Sequential model({layers::Input({3}), layers::make_layer<LinearImpl>(4),
                    Layer(std::make_shared<ResidualBlockImpl>(0.25f)), layers::Dense(1)});
  model.compile(optimizer = "adam", loss = "mse");
  const Tensor x = random::normal({8, 3});
  model.fit(x, random::normal({8, 1}), epochs = 2, verbose = 0);
  const Tensor expected = model.predict(x, verbose = 0);
  // Keras's envelope for a class of the user's script: module null, the registered name, build_config.
  const auto config = nlohmann::json::parse(model.to_json());
  const auto& linear = config["config"]["layers"][1];
  EXPECT_TRUE(linear["module"].is_null());
  EXPECT_EQ(linear["class_name"], "Linear");
  EXPECT_EQ(linear["registered_name"], "my_layers>Linear");
  EXPECT_EQ(linear["config"]["units"], 4);
  EXPECT_EQ(linear["config"]["name"], "linear");
  EXPECT_EQ(linear["build_config"]["input_shape"], nlohmann::json::parse("[null, 3]"));
  EXPECT_NEAR(config["config"]["layers"][2]["config"]["rate"].get<double>(), 0.25, 1e-7);
  kt::ScratchDir dir;
  for (const char* file : {"m.keras", "m.h5"}) {
    SCOPED_TRACE(file);
    model.save(dir / file);
    Model loaded = saving::load_model(dir / file);
    EXPECT_EQ(loaded.layers()[0].class_name(), "Linear");
    EXPECT_EQ(loaded.layers()[1].name(), "residual_block");
    EXPECT_EQ(max_abs_diff(loaded.predict(x, verbose = 0), expected), 0.0f);
  }
  // An unregistered class is not saved, and a file naming one that is not registered says what Keras says.
  Sequential looped({layers::Input({3}), layers::make_layer<LoopImpl>()});
  kt::expect_error_says([&] { looped.save(dir / "l.keras"); },
                        {"keraspp cannot save layer 'loop' (Loop) in a model file: its class is not registered",
                         "register_custom_layer(", "save_weights"});
  std::string text = model.to_json();
  text.replace(text.find("my_layers>Linear"), 16, "other_pkg>Linear");
  kt::expect_error_says([&] { models::model_from_json(text); },
                        {"Could not locate class 'Linear'. Make sure custom classes are decorated with "
                         "`@keras.saving.register_keras_serializable()`. Full object config: {",
                         "register_custom_layer"});
  // The config's values are read as get_config() stored them.
  const layers::LayerConfig c = layers::LayerConfig().set("units", 4).set("name_list", std::vector<std::string>{"a"});
  EXPECT_EQ(c.get<double>("units"), 4.0);
  EXPECT_THROW(c.get<std::string>("units"), TypeError);
  EXPECT_THROW(c.get<int>("missing"), TypeError);
}

TEST(CustomLayer, SavesItsWeightsAsKerasLaysThemOut) {
  utils::clear_session();
  utils::set_random_seed(19);
  auto make = [] { return Sequential({layers::Input({3}), layers::make_layer<LinearImpl>(2)}); };
  Sequential model = make();
  kt::ScratchDir dir;
  model.save_weights(dir / "m.weights.h5");
  Sequential rebuilt = make();
  rebuilt.load_weights(dir / "m.weights.h5");
  const Tensor x = random::normal({4, 3});
  EXPECT_EQ(max_abs_diff(model.predict(x, verbose = 0), rebuilt.predict(x, verbose = 0)), 0.0f);
  // Tracked layers' weights go under their attribute names, as Keras's walk stores a custom layer's sublayers.
  auto make_block = [] {
    return Sequential({layers::Input({3}), Layer(std::make_shared<ResidualBlockImpl>(0.0f)), layers::Dense(1)});
  };
  Sequential blocks = make_block();
  blocks.save_weights(dir / "b.weights.h5");
  Sequential blocks_again = make_block();
  blocks_again.load_weights(dir / "b.weights.h5");
  EXPECT_EQ(max_abs_diff(blocks.predict(x, verbose = 0), blocks_again.predict(x, verbose = 0)), 0.0f);
  saving::detail::H5Reader r = kt::open_h5(dir / "b.weights.h5");
  EXPECT_EQ(r.count_vars("layers/residual_block"), 1u);  // scale
  EXPECT_EQ(r.count_vars("layers/residual_block/inner"), 2u);
  EXPECT_EQ(r.var_shape("layers/residual_block/inner", 0), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(r.count_vars("layers/dense"), 2u);
}
