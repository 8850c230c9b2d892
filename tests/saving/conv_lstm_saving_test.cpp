// ConvLSTM1D/2D/3D in Keras's files: the config as Keras 3's ConvLSTM.get_config writes it, the weights in the
// layer's ConvLSTMCell (layers/conv_lstm2d/cell/vars, named conv_lstm_cell), and round trips through every format.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/h5_store.hpp"
#include "saving/zip_archive.hpp"
#include "support/round_trip.hpp"
#include "support/saved_config.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::ScratchDir;
using saving::detail::H5Reader;

namespace {

Sequential video_model() {
  utils::set_random_seed(4);
  Sequential model({Input(shape = {3, 6, 6, 2}),
                    layers::ConvLSTM2D(3, {3, 3}, padding = "same", return_sequences = true, recurrent_dropout = 0.1),
                    layers::Reshape({3, 1, 6, 6, 3}), layers::ConvLSTM3D(2, {1, 2, 2}, strides = {1, 2, 2}),
                    layers::Flatten(), layers::Dense(1)});
  return model;
}

}  // namespace

TEST(SavingConvLstm, ConfigAndWeightsAsKerasWritesThem) {
  ScratchDir dir;
  utils::clear_session();
  Sequential model({Input(shape = {3, 6, 6, 2}), layers::ConvLSTM2D(3, 3, strides = 2, return_sequences = true)});
  const auto c = keras::test_support::saved_layer_config(model, "ConvLSTM2D");
  EXPECT_EQ(c["kernel_size"], nlohmann::json::parse("[3, 3]"));
  EXPECT_EQ(c["strides"], nlohmann::json::parse("[2, 2]"));
  EXPECT_EQ(c["dilation_rate"], nlohmann::json::parse("[1, 1]"));
  EXPECT_EQ(c["filters"], 3);
  EXPECT_EQ(c["return_sequences"], true);
  EXPECT_EQ(c["unit_forget_bias"], true);
  EXPECT_EQ(c["data_format"], "channels_last");
  EXPECT_TRUE(c.contains("recurrent_initializer"));
  model.save_weights(dir / "m.weights.h5");
  H5Reader r(saving::detail::read_file_bytes(dir / "m.weights.h5", 1 << 30, dir / "m.weights.h5"),
             dir / "m.weights.h5");
  EXPECT_EQ(r.count_vars("layers/conv_lstm2d"), size_t{0});
  EXPECT_EQ(r.count_vars("layers/conv_lstm2d/cell"), size_t{3});
  EXPECT_EQ(r.string_attr("layers/conv_lstm2d/cell/vars", "name"), "conv_lstm_cell");
  EXPECT_EQ(r.var_shape("layers/conv_lstm2d/cell", 0), (std::vector<int64_t>{3, 3, 2, 12}));
  EXPECT_EQ(r.var_shape("layers/conv_lstm2d/cell", 1), (std::vector<int64_t>{3, 3, 3, 12}));
  EXPECT_EQ(r.var_shape("layers/conv_lstm2d/cell", 2), (std::vector<int64_t>{12}));
}

TEST(SavingConvLstm, RoundTripsThroughEveryFormat) {
  ScratchDir dir;
  utils::clear_session();
  Sequential model = video_model();
  auto w = model.get_weights();
  for (Tensor& t : w) t = t + random::uniform(t.dims(), -0.3f, 0.3f);
  model.set_weights(w);
  const Tensor x = random::normal({2, 3, 6, 6, 2});
  model.save(dir / "m.h5");
  Model legacy = saving::load_model(dir / "m.h5");
  EXPECT_EQ(max_abs_diff(legacy.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  model.save_weights(dir / "m.weights.h5");
  Sequential fresh = video_model();
  EXPECT_GT(max_abs_diff(fresh.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  fresh.load_weights(dir / "m.weights.h5");
  EXPECT_EQ(max_abs_diff(fresh.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
}

TEST(SavingConvLstm, KerasArchiveRoundTrip) {
  utils::clear_session();
  keras::test_support::expect_keras_round_trip(video_model(), random::normal({2, 3, 6, 6, 2}));
}

TEST(SavingConvLstm, KerasConfigLoads) {
  // What Keras 3 writes for keras.layers.ConvLSTM1D(4, 3, padding="same", go_backwards=True).
  const std::string text = R"({"module": "keras", "class_name": "Sequential", "config": {"name": "sequential",
      "trainable": true, "dtype": "float32", "layers": [
      {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 5, 8, 2],
       "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
      {"module": "keras.layers", "class_name": "ConvLSTM1D", "config": {"name": "conv_lstm1d", "trainable": true,
       "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
       "registered_name": null}, "return_sequences": false, "return_state": false, "go_backwards": true,
       "stateful": false, "unroll": false, "zero_output_for_mask": false, "filters": 4, "kernel_size": [3],
       "strides": [1], "padding": "same", "data_format": "channels_last", "dilation_rate": [1],
       "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": true,
       "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config":
       {"seed": null}, "registered_name": null}, "recurrent_initializer": {"module": "keras.initializers",
       "class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null}, "registered_name": null},
       "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
       "registered_name": null}, "unit_forget_bias": true, "kernel_regularizer": null,
       "recurrent_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
       "kernel_constraint": null, "recurrent_constraint": null, "bias_constraint": null, "dropout": 0.0,
       "recurrent_dropout": 0.0, "seed": null}, "registered_name": null,
       "build_config": {"input_shape": [null, 5, 8, 2]}}], "build_input_shape": [null, 5, 8, 2]},
      "registered_name": null})";
  Model model = models::model_from_json(text);
  EXPECT_EQ(model.output_shape(), (Shape{None, 8, 4}));
  EXPECT_EQ(model.count_params(), 3 * 2 * 16 + 3 * 4 * 16 + 16);
}
