// The layers' *_constraint arguments: the optimizer projects each constrained weight after every update, as Keras 3's
// BaseOptimizer.apply does, and the constraints are saved and loaded with the model.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/saved_config.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

namespace {

Tensor weight_named(const Layer& layer, const std::string& name) {
  for (const auto& v : layer.impl()->own_variables())
    if (v->name == name) return v->value;
  ADD_FAILURE() << layer.name() << " has no weight " << name;
  return {};
}

// Fits one large SGD step, so that an unconstrained weight would leave the constraint's set.
void fit_one_step(Model model, const Tensor& x, const Tensor& y) {
  model.compile(optimizer = optimizers::SGD(learning_rate = 5.0), loss = "mse");
  model.fit(x, y, epochs = 1, batch_size = static_cast<int>(x.dims()[0]), shuffle = false, verbose = 0);
}

double min_of(const Tensor& t) {
  double m = 1e30;
  for (float v : t.to_vector()) m = std::min<double>(m, v);
  return m;
}

}  // namespace

TEST(LayerConstraints, AStepWithAConstraintIsTheStepThenTheProjection) {
  utils::set_random_seed(11);
  Tensor x = random::normal({8, 5}), y = random::normal({8, 3}) * 10.0f;
  auto make = [](const ConstraintArg& kernel, const ConstraintArg& bias) {
    utils::set_random_seed(12);
    return Sequential({Input({5}), layers::Dense(3, kernel_constraint = kernel, bias_constraint = bias)});
  };
  Sequential plain = make({}, {});
  Sequential constrained = make(constraints::MaxNorm(0.3), "non_neg");
  fit_one_step(plain, x, y);
  fit_one_step(constrained, x, y);
  const Tensor kernel = constraints::MaxNorm(0.3)(plain.layers()[0].get_weights()[0]);
  const Tensor bias = constraints::NonNeg()(plain.layers()[0].get_weights()[1]);
  EXPECT_EQ(constrained.layers()[0].get_weights()[0].to_vector(), kernel.to_vector());
  EXPECT_EQ(constrained.layers()[0].get_weights()[1].to_vector(), bias.to_vector());
  EXPECT_LT(min_of(plain.layers()[0].get_weights()[1]), 0.0) << "the step should have made a bias negative";
}

TEST(LayerConstraints, EveryLayerKindConstrainsItsWeights) {
  // Each case: a model whose layer `target` has weight `weight` constrained to be non-negative.
  struct Case {
    std::string what;
    std::function<Sequential()> model;
    std::vector<int64_t> x_shape;
    std::string weight;
  };
  const std::vector<Case> cases = {
      {"Conv2D kernel", [] { return Sequential({Input({5, 5, 2}), layers::Conv2D(3, 3, kernel_constraint = "non_neg"), layers::Flatten(), layers::Dense(2)}); }, {4, 5, 5, 2}, "kernel"},
      {"Conv1D bias", [] { return Sequential({Input({6, 2}), layers::Conv1D(3, 3, bias_constraint = "non_neg"), layers::Flatten(), layers::Dense(2)}); }, {4, 6, 2}, "bias"},
      {"DepthwiseConv2D", [] { return Sequential({Input({5, 5, 2}), layers::DepthwiseConv2D(3, depthwise_constraint = "non_neg"), layers::Flatten(), layers::Dense(2)}); }, {4, 5, 5, 2}, "kernel"},
      {"SeparableConv2D pointwise", [] { return Sequential({Input({5, 5, 2}), layers::SeparableConv2D(3, 3, pointwise_constraint = "non_neg"), layers::Flatten(), layers::Dense(2)}); }, {4, 5, 5, 2}, "pointwise_kernel"},
      {"SeparableConv2D depthwise", [] { return Sequential({Input({5, 5, 2}), layers::SeparableConv2D(3, 3, depthwise_constraint = "non_neg"), layers::Flatten(), layers::Dense(2)}); }, {4, 5, 5, 2}, "depthwise_kernel"},
      {"Conv2DTranspose", [] { return Sequential({Input({3, 3, 2}), layers::Conv2DTranspose(2, 2, kernel_constraint = "non_neg"), layers::Flatten(), layers::Dense(2)}); }, {4, 3, 3, 2}, "kernel"},
      {"Embedding", [] { return Sequential({Input({3}), layers::Embedding(6, 4, embeddings_constraint = "non_neg"), layers::Flatten(), layers::Dense(2)}); }, {4, 3}, "embeddings"},
      {"LSTM recurrent kernel", [] { return Sequential({Input({3, 2}), layers::LSTM(3, recurrent_constraint = "non_neg"), layers::Dense(2)}); }, {4, 3, 2}, "recurrent_kernel"},
      {"GRU kernel", [] { return Sequential({Input({3, 2}), layers::GRU(3, kernel_constraint = "non_neg"), layers::Dense(2)}); }, {4, 3, 2}, "kernel"},
      {"SimpleRNN bias", [] { return Sequential({Input({3, 2}), layers::SimpleRNN(3, bias_constraint = "non_neg"), layers::Dense(2)}); }, {4, 3, 2}, "bias"},
      {"BatchNormalization beta", [] { return Sequential({Input({4}), layers::BatchNormalization(beta_constraint = "non_neg"), layers::Dense(2)}); }, {4, 4}, "beta"},
      {"LayerNormalization gamma", [] { return Sequential({Input({4}), layers::LayerNormalization(gamma_constraint = constraints::MinMaxNorm(0.5, 0.6)), layers::Dense(2)}); }, {4, 4}, "gamma"},
      {"GroupNormalization beta", [] { return Sequential({Input({4}), layers::GroupNormalization(groups = 2, beta_constraint = "non_neg"), layers::Dense(2)}); }, {4, 4}, "beta"},
      {"PReLU alpha", [] { return Sequential({Input({4}), layers::Dense(4), layers::PReLU(alpha_constraint = "non_neg"), layers::Dense(2)}); }, {4, 4}, "alpha"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    utils::set_random_seed(13);
    Sequential model = c.model();
    Tensor x = c.what == "Embedding" ? Tensor({0, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 0}, {4, 3}) : random::normal(c.x_shape);
    Tensor y = random::normal({4, 2}) * 10.0f;
    fit_one_step(model, x, y);
    const Layer layer = c.what.starts_with("PReLU") ? model.layers()[1] : model.layers()[0];
    const Tensor w = weight_named(layer, c.weight);
    if (c.what.starts_with("LayerNormalization")) {
      double s = 0;
      for (float v : w.to_vector()) s += static_cast<double>(v) * v;
      EXPECT_GE(std::sqrt(s), 0.5 - 1e-5);
      EXPECT_LE(std::sqrt(s), 0.6 + 1e-5);
    } else {
      EXPECT_GE(min_of(w), 0.0);
    }
  }
}

TEST(LayerConstraints, AFrozenLayerIsNotProjected) {
  // Keras projects the variables the optimizer updated; a frozen layer's weights stay as they were.
  utils::set_random_seed(14);
  Sequential model({Input({3}), layers::Dense(3, kernel_constraint = "non_neg", trainable = false), layers::Dense(2)});
  const Tensor before = model.layers()[0].get_weights()[0].copy();
  ASSERT_LT(min_of(before), 0.0);
  fit_one_step(model, random::normal({4, 3}), random::normal({4, 2}));
  EXPECT_EQ(model.layers()[0].get_weights()[0].to_vector(), before.to_vector());
}

TEST(LayerConstraints, UnknownNameFailsWhenTheLayerIsMade) {
  EXPECT_THROW_WITH(layers::Dense(2, kernel_constraint = "maxnorm"), "Could not interpret constraint identifier: maxnorm",
                    "\"max_norm\"");
}

TEST(LayerConstraints, SavedAndLoadedWithTheModel) {
  auto in = Input(shape = {4, 4, 2});
  auto c = layers::Conv2D(3, 3, kernel_constraint = constraints::MaxNorm(1.5, {0, 1, 2}), bias_constraint = "non_neg")(in);
  Model model(in, layers::Dense(2, kernel_constraint = constraints::UnitNorm())(layers::Flatten()(c)));
  Model loaded = kt::expect_keras_round_trip(model, random::normal({2, 4, 4, 2}));
  const auto conv = kt::saved_layer_config(loaded, "Conv2D");
  EXPECT_EQ(conv["kernel_constraint"]["module"], "keras.constraints");
  EXPECT_EQ(conv["kernel_constraint"]["class_name"], "MaxNorm");
  EXPECT_EQ(conv["kernel_constraint"]["config"]["max_value"], 1.5);
  EXPECT_EQ(conv["kernel_constraint"]["config"]["axis"], nlohmann::ordered_json::parse("[0, 1, 2]"));
  EXPECT_EQ(conv["bias_constraint"]["class_name"], "NonNeg");
  EXPECT_EQ(kt::saved_layer_config(loaded, "Dense")["kernel_constraint"]["config"]["axis"], 0);
  // The loaded model's layers constrain their weights too.
  fit_one_step(loaded, random::normal({2, 4, 4, 2}), random::normal({2, 2}) * 10.0f);
  EXPECT_GE(min_of(loaded.layers()[1].get_weights()[1]), 0.0);
}

TEST(LayerConstraints, LoadsAKerasConfig) {
  // As Keras 3 writes a Dense with kernel_constraint=MaxNorm(3) (an int max_value) and bias_constraint="non_neg".
  const std::string json = R"({"module": "keras", "class_name": "Sequential", "config": {"name": "sequential",
    "trainable": true, "dtype": "float32", "layers": [
    {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "dtype": "float32",
     "sparse": false, "name": "input_layer"}, "registered_name": null},
    {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true,
     "dtype": "float32", "units": 2, "activation": "linear", "use_bias": true,
     "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null},
      "registered_name": null},
     "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
     "kernel_regularizer": null, "bias_regularizer": null,
     "kernel_constraint": {"module": "keras.constraints", "class_name": "MaxNorm",
      "config": {"max_value": 3, "axis": 0}, "registered_name": null},
     "bias_constraint": {"module": "keras.constraints", "class_name": "NonNeg", "config": {}, "registered_name": null}},
     "registered_name": null, "build_config": {"input_shape": [null, 4]}}], "build_input_shape": [null, 4]},
    "registered_name": null, "build_config": {"input_shape": [null, 4]}})";
  Model model = models::model_from_json(json);
  const auto& vars = model.layers().at(0).impl()->own_variables();
  ASSERT_EQ(vars.size(), 2u);
  ASSERT_TRUE(vars[0]->constraint);
  EXPECT_EQ(vars[0]->constraint->class_name(), "MaxNorm");
  EXPECT_EQ(vars[0]->constraint->get_config().get<double>("max_value"), 3.0);
  ASSERT_TRUE(vars[1]->constraint);
  EXPECT_EQ(vars[1]->constraint->class_name(), "NonNeg");
}
