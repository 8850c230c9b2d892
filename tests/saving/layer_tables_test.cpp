// Saving tables of every layer class: each round-trips through .keras with identical predictions, summary() and
// config, and loads from the configs Keras 2 wrote.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/layer_specs.hpp"
#include "support/gradient_check.hpp"
#include "support/saved_config.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::ScratchDir;
using Json = nlohmann::ordered_json;

namespace {

// Moves every weight away from its initial value, so that a weight that is not saved or loaded shows.
void perturb_weights(const Model& model) {
  for (const Layer& l : model.layers()) {
    std::vector<Tensor> w = l.get_weights();
    for (Tensor& t : w) t = t + random::uniform(t.dims(), 0.1f, 0.6f);
    if (!w.empty()) l.set_weights(w);
  }
}

void expect_round_trip(const Model& model, const Data& x) {
  ScratchDir dir;
  perturb_weights(model);
  model.save(dir / "m.keras");
  Model loaded = saving::load_model(dir / "m.keras");
  EXPECT_EQ(loaded.summary_string(), model.summary_string());
  EXPECT_EQ(loaded.to_json(), model.to_json());
  Prediction a = model.predict(x, verbose = 0);
  Prediction b = loaded.predict(x, verbose = 0);
  ASSERT_EQ(a.num_outputs(), b.num_outputs());
  for (size_t i = 0; i < a.num_outputs(); ++i) {
    ASSERT_EQ(a.outputs()[i].dims(), b.outputs()[i].dims());
    EXPECT_EQ(max_abs_diff(a.outputs()[i], b.outputs()[i]), 0.0f) << "output " << i;
  }
}

Json layer_config(const Model& model, const std::string& class_name) {
  return keras::test_support::saved_layer_config(model, class_name);
}

}  // namespace

TEST(SavingLayerTables, Convolutions1DPaddingCroppingUpsamplingPooling) {
  Sequential model({
      Input(shape = {12, 3}),
      layers::ZeroPadding1D(PaddingArg{1, 2}),
      layers::Cropping1D(PaddingArg{2, 1}),
      layers::Conv1D(4, 3, strides = 1, padding = "causal", dilation_rate = 2, activation = "relu"),
      layers::UpSampling1D(2),
      layers::MaxPooling1D(pool_size = 2),
      layers::AveragePooling1D(pool_size = 3, strides = 1, padding = "same"),
      layers::SpatialDropout1D(0.3, seed = 2),
      layers::GlobalAveragePooling1D(keepdims = true),
      layers::Conv1D(2, 1),
      layers::GlobalMaxPooling1D(),
  });
  expect_round_trip(model, random::normal({3, 12, 3}));
  Json conv = layer_config(model, "Conv1D");
  EXPECT_EQ(conv["kernel_size"], Json::parse("[3]"));
  EXPECT_EQ(conv["dilation_rate"], Json::parse("[2]"));
  EXPECT_EQ(conv["padding"], "causal");
  EXPECT_EQ(layer_config(model, "UpSampling1D")["size"], 2);
  EXPECT_EQ(layer_config(model, "ZeroPadding1D")["padding"], Json::parse("[1, 2]"));
}

TEST(SavingLayerTables, Convolutions2DAndBatchNormalization) {
  Sequential model({
      Input(shape = {9, 9, 2}),
      layers::Conv2D(4, 3, padding = "same", use_bias = false, kernel_regularizer = "l2"),
      layers::BatchNormalization(momentum = 0.9, epsilon = 1e-2),
      layers::ZeroPadding2D(PaddingArg{{1, 0}, {0, 1}}),
      layers::Cropping2D(PaddingArg{1, 1}),
      layers::UpSampling2D(IntTuple({2, 1}), interpolation = "bilinear"),
      layers::MaxPooling2D(pool_size = 2),
      layers::AveragePooling2D(pool_size = IntTuple({2, 1}), strides = 1),
      layers::SpatialDropout2D(0.2),
      layers::Conv2D(3, IntTuple({2, 2}), strides = 2, groups = 1, activation = "tanh"),
      layers::GlobalMaxPooling2D(keepdims = true),
      layers::GlobalAveragePooling2D(),
  });
  expect_round_trip(model, random::normal({2, 9, 9, 2}));
  Json conv = layer_config(model, "Conv2D");
  EXPECT_EQ(conv["kernel_size"], Json::parse("[3, 3]"));  // Keras standardizes the tuples
  EXPECT_EQ(conv["strides"], Json::parse("[1, 1]"));
  Json bn = layer_config(model, "BatchNormalization");
  EXPECT_EQ(bn["scale"], true);
  EXPECT_EQ(bn["gamma_initializer"]["class_name"], "Ones");
  EXPECT_EQ(layer_config(model, "ZeroPadding2D")["padding"], Json::parse("[[1, 0], [0, 1]]"));
}

TEST(SavingLayerTables, Conv3DAndNormalizationLayers) {
  Sequential model({
      Input(shape = {4, 4, 4, 2}),
      layers::Conv3D(4, 2, activation = "relu"),
      layers::Reshape({27, 4}),
      layers::LayerNormalization(epsilon = 1e-4, center = false),
      layers::GroupNormalization(groups = 2),
      layers::BatchNormalization(scale = false),
      layers::Flatten(),
  });
  expect_round_trip(model, random::normal({2, 4, 4, 4, 2}));
  EXPECT_EQ(layer_config(model, "LayerNormalization")["center"], false);
  EXPECT_EQ(layer_config(model, "BatchNormalization")["scale"], false);
  EXPECT_EQ(layer_config(model, "GroupNormalization")["groups"], 2);
}

TEST(SavingLayerTables, EmbeddingPreprocessingNoiseAndIdentity) {
  layers::Normalization norm;
  norm.adapt(random::normal({20, 4}, 2.0f, 3.0f));
  auto in = Input(shape = {5});
  auto h = layers::Embedding(10, 4, mask_zero = false)(in);
  h = layers::GaussianNoise(0.5, seed = 1)(h);
  h = layers::Rescaling(0.5, offset = 0.25)(h);
  h = layers::Identity()(h);
  h = norm(h);
  h = layers::Normalization(axis = -1, mean = 1.0, variance = 4.0)(h);
  h = layers::GlobalAveragePooling1D()(h);
  Model model(in, layers::Dense(2)(h));
  expect_round_trip(model, random::randint(0, 10, {3, 5}));
  Json emb = layer_config(model, "Embedding");
  EXPECT_EQ(emb["input_dim"], 10);
  EXPECT_EQ(emb["output_dim"], 4);
  EXPECT_FALSE(emb.contains("input_length"));
}

TEST(SavingLayerTables, EveryRegisteredLayerClassHasATable) {
  // A layer class added to keraspp without a saving table would make model.save refuse it.
  for (const std::string& cls : layers::registered_names())
    EXPECT_TRUE(saving::detail::layer_class_supported(cls)) << cls << " has no saving table";
}

TEST(SavingLayerTables, Keras2ConfigsOfTheNewLayersLoad) {
  // Keras 2.x to_json(): dtype strings, {class_name, config} initializers without module, batch_input_shape on the
  // first layer, BatchNormalization's axis as a list and its fused/renorm keys, Embedding's input_length.
  const std::string text = R"({"class_name": "Sequential", "config": {"name": "sequential", "layers": [
      {"class_name": "Embedding", "config": {"name": "embedding", "trainable": true,
       "batch_input_shape": [null, 8], "dtype": "float32", "input_dim": 20, "output_dim": 6,
       "embeddings_initializer": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05,
       "seed": null}}, "embeddings_regularizer": null, "activity_regularizer": null, "embeddings_constraint": null,
       "mask_zero": false, "input_length": 8}},
      {"class_name": "Conv1D", "config": {"name": "conv1d", "trainable": true, "dtype": "float32", "filters": 4,
       "kernel_size": [3], "strides": [1], "padding": "valid", "data_format": "channels_last",
       "dilation_rate": [1], "groups": 1, "activation": "relu", "use_bias": true,
       "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
       "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
       "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}},
      {"class_name": "BatchNormalization", "config": {"name": "bn", "trainable": true, "dtype": "float32",
       "axis": [2], "momentum": 0.99, "epsilon": 0.001, "center": true, "scale": true,
       "beta_initializer": {"class_name": "Zeros", "config": {}}, "gamma_initializer": {"class_name": "Ones",
       "config": {}}, "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
       "moving_variance_initializer": {"class_name": "Ones", "config": {}}, "beta_regularizer": null,
       "gamma_regularizer": null, "beta_constraint": null, "gamma_constraint": null, "renorm": false,
       "renorm_clipping": null, "renorm_momentum": 0.99, "fused": null, "trainable": true,
       "virtual_batch_size": null, "adjustment": null}},
      {"class_name": "MaxPooling1D", "config": {"name": "mp", "trainable": true, "dtype": "float32",
       "strides": [2], "pool_size": [2], "padding": "valid", "data_format": "channels_last"}},
      {"class_name": "GlobalAveragePooling1D", "config": {"name": "gap", "trainable": true, "dtype": "float32",
       "data_format": "channels_last", "keepdims": false}},
      {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32", "units": 1,
       "activation": "sigmoid", "use_bias": true, "kernel_initializer": {"class_name": "GlorotUniform",
       "config": {"seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
       "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
       "kernel_constraint": null, "bias_constraint": null}}]},
      "keras_version": "2.4.0", "backend": "tensorflow"})";
  Model model = models::model_from_json(text);
  EXPECT_EQ(model.output_shape(), (Shape{None, 1}));
  // Embedding 20*6, Conv1D 3*6*4+4, BatchNormalization 4*4, Dense 4+1
  EXPECT_EQ(model.count_params(), 120 + 76 + 16 + 5);
  EXPECT_EQ(model.get_layer("mp").output_shape(), (Shape{None, 3, 4}));
}

TEST(SavingLayerTables, Keras2Conv2DBatchNormBareListConfig) {
  // Keras <= 2.2.4: the Sequential config is the bare list of layers; dtype strings; no InputLayer.
  const std::string text = R"({"class_name": "Sequential", "config": [
      {"class_name": "Conv2D", "config": {"name": "conv2d_1", "trainable": true, "batch_input_shape": [null, 10, 10, 3],
       "dtype": "float32", "filters": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
       "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear", "use_bias": true,
       "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg",
       "distribution": "uniform", "seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
       "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
       "kernel_constraint": null, "bias_constraint": null}},
      {"class_name": "BatchNormalization", "config": {"name": "bn", "trainable": true, "axis": -1,
       "momentum": 0.99, "epsilon": 0.001, "center": true, "scale": true, "beta_initializer": {"class_name":
       "Zeros", "config": {}}, "gamma_initializer": {"class_name": "Ones", "config": {}},
       "moving_mean_initializer": {"class_name": "Zeros", "config": {}}, "moving_variance_initializer":
       {"class_name": "Ones", "config": {}}, "beta_regularizer": null, "gamma_regularizer": null,
       "beta_constraint": null, "gamma_constraint": null}},
      {"class_name": "ZeroPadding2D", "config": {"name": "zp", "trainable": true, "padding": [[1, 1], [2, 2]],
       "data_format": "channels_last"}},
      {"class_name": "AveragePooling2D", "config": {"name": "ap", "trainable": true, "pool_size": [2, 2],
       "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}},
      {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": true, "data_format": "channels_last"}}],
      "keras_version": "2.1.3", "backend": "tensorflow"})";
  Model model = models::model_from_json(text);
  EXPECT_EQ(model.get_layer("zp").output_shape(), (Shape{None, 10, 12, 2}));
  EXPECT_EQ(model.output_shape(), (Shape{None, 5 * 6 * 2}));
}

TEST(SavingLayerTables, UnsupportedArgumentsAndClassesAreNamed) {
  const std::string head = R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "InputLayer", "config": {"batch_shape": [null, 8, 8, 1], "dtype": "float32", "name": "in"}},)";
  // A constraint Keras 3 no longer has (tf.keras 2's RadialConstraint): refused with its name and the layer.
  EXPECT_THROW_WITH(
      models::model_from_json(head + R"(
      {"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [3, 3],
       "kernel_constraint": {"class_name": "RadialConstraint", "config": {}}}}]}})"),
      "Could not interpret constraint identifier: RadialConstraint");
  EXPECT_THROW_WITH(models::model_from_json(head + R"(
      {"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [3, 3], "padding": "same",
       "weird_option": 3}}]}})"),
                    "Unrecognized keyword arguments passed to Conv2D: {'weird_option'");
  EXPECT_THROW_WITH(models::model_from_json(head + R"(
      {"class_name": "BatchNormalization", "config": {"name": "b", "renorm": true}}]}})"),
                    "renorm");
  EXPECT_THROW_WITH(models::model_from_json(head + R"(
      {"class_name": "HashedCrossing", "config": {"name": "t", "num_bins": 4}}]}})"),
                    "Unknown layer: 'HashedCrossing'");
}

TEST(SavingLayerTables, LambdaIsRefusedAsKerasSafeModeDoes) {
  const std::string text = R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32", "name": "in"}},
      {"class_name": "Lambda", "config": {"name": "l", "function": {"class_name": "__lambda__", "config": {
       "code": "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wgAAACXAHwAZAF6BQAAUwApAk7pAgAAAKkAKQHaAXhzAQAAACD6", "defaults": null,
       "closure": null}}, "output_shape": null}}]}})";
  EXPECT_THROW_WITH(models::model_from_json(text),
                    "Requested the deserialization of a `Lambda` layer with a Python `lambda` inside it");
}

TEST(SavingLayerTables, Keras2ConfigsOfTheOtherLayersLoad) {
  // tf.keras 2.x get_config of the remaining classes: axis lists, noise_shape keys, plain-string dtypes.
  const std::string text = R"({"class_name": "Sequential", "config": {"name": "k2", "layers": [
      {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6, 6, 2], "dtype": "float32",
       "sparse": false, "ragged": false, "name": "input_1"}},
      {"class_name": "Rescaling", "config": {"name": "rescaling", "trainable": true, "dtype": "float32",
       "scale": 0.00392156862745098, "offset": 0.0}},
      {"class_name": "GaussianNoise", "config": {"name": "gn", "trainable": true, "dtype": "float32", "stddev": 0.1,
       "seed": null}},
      {"class_name": "SpatialDropout2D", "config": {"name": "sd", "trainable": true, "dtype": "float32", "rate": 0.2,
       "noise_shape": null, "seed": null}},
      {"class_name": "UpSampling2D", "config": {"name": "up", "trainable": true, "dtype": "float32", "size": [2, 2],
       "data_format": "channels_last", "interpolation": "nearest"}},
      {"class_name": "Cropping2D", "config": {"name": "crop", "trainable": true, "dtype": "float32",
       "cropping": [[1, 1], [2, 2]], "data_format": "channels_last"}},
      {"class_name": "LayerNormalization", "config": {"name": "ln", "trainable": true, "dtype": "float32",
       "axis": [3], "epsilon": 0.001, "center": true, "scale": true, "beta_initializer": {"class_name": "Zeros",
       "config": {}}, "gamma_initializer": {"class_name": "Ones", "config": {}}, "beta_regularizer": null,
       "gamma_regularizer": null, "beta_constraint": null, "gamma_constraint": null}},
      {"class_name": "Normalization", "config": {"name": "norm", "trainable": true, "dtype": "float32", "axis": [-1],
       "mean": [0.5, 1.5], "variance": [4.0, 9.0], "invert": false}},
      {"class_name": "GlobalMaxPooling2D", "config": {"name": "gmp", "trainable": true, "dtype": "float32",
       "data_format": "channels_last", "keepdims": false}},
      {"class_name": "RepeatVector", "config": {"name": "rv", "trainable": true, "dtype": "float32", "n": 3}},
      {"class_name": "Permute", "config": {"name": "perm", "trainable": true, "dtype": "float32", "dims": [2, 1]}},
      {"class_name": "ZeroPadding1D", "config": {"name": "zp1", "trainable": true, "dtype": "float32",
       "padding": [1, 0]}},
      {"class_name": "Cropping1D", "config": {"name": "cr1", "trainable": true, "dtype": "float32",
       "cropping": [0, 1]}},
      {"class_name": "UpSampling1D", "config": {"name": "up1", "trainable": true, "dtype": "float32", "size": 2}},
      {"class_name": "SpatialDropout1D", "config": {"name": "sd1", "trainable": true, "dtype": "float32",
       "rate": 0.1, "noise_shape": null, "seed": null}},
      {"class_name": "GlobalAveragePooling1D", "config": {"name": "gap1", "trainable": true, "dtype": "float32",
       "data_format": "channels_last", "keepdims": false}}]}, "keras_version": "2.9.0", "backend": "tensorflow"})";
  Model model = models::model_from_json(text);
  EXPECT_EQ(model.get_layer("crop").output_shape(), (Shape{None, 10, 8, 2}));
  EXPECT_EQ(model.get_layer("zp1").output_shape(), (Shape{None, 3, 3}));
  EXPECT_EQ(model.get_layer("up1").output_shape(), (Shape{None, 4, 3}));
  EXPECT_EQ(model.output_shape(), (Shape{None, 3}));
  // Normalization's mean/variance lists reach the layer: a constant input 0.5 / 1.5 normalizes to 0.
  Model norm_only = models::model_from_json(R"({"class_name": "Sequential", "config": {"name": "n", "layers": [
      {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "i"}},
      {"class_name": "Normalization", "config": {"name": "norm", "axis": [-1], "mean": [0.5, 1.5],
       "variance": [4.0, 9.0]}}]}})");
  Tensor y = norm_only.predict(Tensor(std::vector<float>{0.5f, 1.5f, 2.5f, 4.5f}, {2, 2}), verbose = 0);
  EXPECT_NEAR(y.data()[0], 0.0f, 1e-6f);
  EXPECT_NEAR(y.data()[1], 0.0f, 1e-6f);
  EXPECT_NEAR(y.data()[2], 1.0f, 1e-6f);
  EXPECT_NEAR(y.data()[3], 1.0f, 1e-6f);
}

TEST(SavingLayerTables, TransposedDepthwiseSeparableConvolutionsAndMasking) {
  Sequential model({
      Input(shape = {10, 3}),
      layers::Masking(0.5),
      layers::Conv1DTranspose(4, 3, strides = 2, padding = "same", output_padding = IntTuple{1}),
      layers::DepthwiseConv1D(3, depth_multiplier = 2, activation = "relu"),
      layers::SeparableConv1D(5, 2, depth_multiplier = 2, use_bias = false),
  });
  expect_round_trip(model, random::normal({2, 10, 3}));
  Json t = layer_config(model, "Conv1DTranspose");
  EXPECT_EQ(t["kernel_size"], Json::parse("[3]"));
  EXPECT_EQ(t["output_padding"], Json::parse("[1]"));
  EXPECT_EQ(layer_config(model, "DepthwiseConv1D")["depth_multiplier"], 2);
  Json s = layer_config(model, "SeparableConv1D");
  EXPECT_EQ(s["pointwise_initializer"]["class_name"], "GlorotUniform");
  EXPECT_EQ(s["use_bias"], false);
  EXPECT_EQ(layer_config(model, "Masking")["mask_value"], 0.5);

  Sequential m2({
      Input(shape = {6, 6, 2}),
      layers::Conv2DTranspose(3, 3, strides = 2),
      layers::DepthwiseConv2D(3, padding = "same"),
      layers::SeparableConv2D(4, 3, strides = 2),
  });
  expect_round_trip(m2, random::normal({2, 6, 6, 2}));
  EXPECT_EQ(layer_config(m2, "Conv2DTranspose")["strides"], Json::parse("[2, 2]"));
  EXPECT_FALSE(layer_config(m2, "Conv2DTranspose").contains("output_padding"));
  Sequential m3({Input(shape = {3, 3, 3, 1}), layers::Conv3DTranspose(2, 2)});
  expect_round_trip(m3, random::normal({2, 3, 3, 3, 1}));
}

TEST(SavingLayerTables, RecurrentOptionsAndWrappersRoundTrip) {
  Tensor x = random::normal({2, 5, 3});
  Sequential rnn({
      Input(shape = {5, 3}),
      layers::Masking(0.0),
      layers::LSTM(3, return_sequences = true, unit_forget_bias = false),
      layers::GRU(4, reset_after = false, go_backwards = true, return_sequences = true, dropout = 0.25, seed = 3),
      layers::SimpleRNN(2, recurrent_dropout = 0.1, seed = 4),
  });
  expect_round_trip(rnn, x);
  EXPECT_EQ(layer_config(rnn, "LSTM")["unit_forget_bias"], false);
  // The wrappers' configs round-trip, and their weights with them (nested groups in Keras's file; wrappers_test.cpp).
  Sequential model({
      Input(shape = {5, 3}),
      layers::TimeDistributed(layers::Dense(4, activation = "tanh")),
      layers::Bidirectional(layers::LSTM(3, return_sequences = true, unit_forget_bias = false), merge_mode = "sum"),
      layers::GRU(4, reset_after = false, go_backwards = true, return_sequences = true, dropout = 0.25, seed = 3),
  });
  Model reloaded = models::model_from_json(model.to_json());
  EXPECT_EQ(reloaded.to_json(), model.to_json());
  EXPECT_EQ(reloaded.summary_string(), model.summary_string());
  expect_round_trip(model, x);
  Json gru = layer_config(model, "GRU");
  EXPECT_EQ(gru["reset_after"], false);
  EXPECT_EQ(gru["go_backwards"], true);
  EXPECT_EQ(gru["dropout"], 0.25);
  Json bi = layer_config(model, "Bidirectional");
  EXPECT_EQ(bi["merge_mode"], "sum");
  EXPECT_EQ(bi["layer"]["class_name"], "LSTM");
  EXPECT_EQ(bi["layer"]["config"]["unit_forget_bias"], false);
  EXPECT_EQ(bi["backward_layer"]["config"]["go_backwards"], true);
  EXPECT_EQ(layer_config(model, "TimeDistributed")["layer"]["config"]["units"], 4);
}

TEST(SavingLayerTables, Keras2WrapperConfigsLoad) {
  // Keras 2 nests {class_name, config} without module.
  const std::string text = R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "TimeDistributed", "config": {"name": "td", "trainable": true, "dtype": "float32",
       "batch_input_shape": [null, 4, 3], "layer": {"class_name": "Dense", "config": {"name": "d", "units": 2,
       "activation": "linear", "use_bias": true}}}},
      {"class_name": "Bidirectional", "config": {"name": "bi", "trainable": true, "dtype": "float32",
       "merge_mode": "ave", "layer": {"class_name": "GRU", "config": {"name": "gru", "units": 3,
       "reset_after": true, "implementation": 2}}}}]}, "keras_version": "2.4.0", "backend": "tensorflow"})";
  Model model = models::model_from_json(text);
  EXPECT_EQ(model.output_shape(), (Shape{None, 3}));
  // TimeDistributed(Dense) 3*2+2; each GRU direction: kernel 2x9, recurrent 3x9, reset_after bias 2x9
  EXPECT_EQ(model.count_params(), 8 + 2 * (18 + 27 + 18));
}

TEST(SavingLayerTables, Keras2HardSigmoidKeepsItsFormula) {
  auto config = [](const std::string& version) {
    return R"({"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Activation",
        "config": {"name": "a", "batch_input_shape": [null, 5], "activation": "hard_sigmoid"}}]},
        "keras_version": ")" + version + "\"}";
  };
  Tensor x({-4.0f, -2.0f, 0.5f, 2.0f, 4.0f}, {1, 5});
  Model k2 = models::model_from_json(config("2.0.8"));
  Tensor y2 = k2.predict(x, verbose = 0).outputs().at(0);
  Model k3 = models::model_from_json(config("3.6.0"));
  Tensor y3 = k3.predict(x, verbose = 0).outputs().at(0);
  for (int64_t i = 0; i < 5; ++i) {
    const float v = x.at({0, i});
    EXPECT_FLOAT_EQ(y2.at({0, i}), std::clamp(0.2f * v + 0.5f, 0.0f, 1.0f)) << v;
    EXPECT_FLOAT_EQ(y3.at({0, i}), std::clamp(v / 6.0f + 0.5f, 0.0f, 1.0f)) << v;
  }
  // Keras 3 has no activation computing Keras 2's formula, so writing it would change the numbers.
  ScratchDir dir;
  EXPECT_THROW_WITH(k2.save(dir / "m.keras"), "Keras 3 has no activation computing it");
  EXPECT_NO_THROW(k3.save(dir / "m3.keras"));
}
