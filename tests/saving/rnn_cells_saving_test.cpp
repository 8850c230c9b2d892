// keras.layers.RNN with its cells in Keras's files: the config holds the cell (or a StackedRNNCells and its cells)
// serialized inside the RNN's, and the weights sit where Keras 3's saving walk puts them: layers/rnn/cell/vars for one
// cell, layers/rnn/cell/cells/<snake_case class>[_n]/vars for stacked cells.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/h5_store.hpp"
#include "saving/zip_archive.hpp"
#include "support/round_trip.hpp"
#include "support/saved_config.hpp"
#include "support/saving_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::keys_of;
using keras::test_support::open_h5;
using keras::test_support::ScratchDir;
using saving::detail::H5Reader;

namespace {

Sequential cells_model() {
  utils::set_random_seed(8);
  Sequential model({Input(shape = {5, 3}), layers::RNN(layers::LSTMCell(4), return_sequences = true),
                    layers::RNN({layers::GRUCell(3, reset_after = false), layers::SimpleRNNCell(2),
                                 layers::SimpleRNNCell(2, activation = "relu")}),
                    layers::Dense(1)});
  auto w = model.get_weights();
  for (Tensor& t : w) t = t + random::uniform(t.dims(), -0.5f, 0.5f);
  model.set_weights(w);
  return model;
}

}  // namespace

TEST(SavingRnnCells, ConfigHoldsTheCellsAsKerasWritesThem) {
  utils::clear_session();
  Sequential model = cells_model();
  const auto rnn = keras::test_support::saved_layer_config(model, "RNN");
  EXPECT_EQ(keys_of(rnn), (std::vector<std::string>{"name", "trainable", "dtype", "return_sequences", "return_state",
                                                    "go_backwards", "stateful", "unroll", "zero_output_for_mask",
                                                    "cell"}));
  EXPECT_EQ(rnn["cell"]["module"], "keras.layers");
  EXPECT_EQ(rnn["cell"]["class_name"], "LSTMCell");
  const auto& cell = rnn["cell"]["config"];
  EXPECT_EQ(keys_of(cell),
            (std::vector<std::string>{"name", "trainable", "dtype", "units", "activation", "recurrent_activation",
                                      "use_bias", "unit_forget_bias", "kernel_initializer", "recurrent_initializer",
                                      "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
                                      "bias_regularizer", "kernel_constraint", "recurrent_constraint",
                                      "bias_constraint", "dropout", "recurrent_dropout", "seed"}));
  EXPECT_EQ(cell["name"], "lstm_cell");
  EXPECT_EQ(cell["units"], 4);
  const auto saved = nlohmann::ordered_json::parse(model.to_json());
  const auto& stacked = saved["config"]["layers"][2]["config"]["cell"];
  EXPECT_EQ(stacked["class_name"], "StackedRNNCells");
  ASSERT_EQ(stacked["config"]["cells"].size(), 3u);
  EXPECT_EQ(stacked["config"]["cells"][0]["class_name"], "GRUCell");
  EXPECT_EQ(stacked["config"]["cells"][0]["config"]["reset_after"], false);
  EXPECT_EQ(stacked["config"]["cells"][2]["config"]["activation"], "relu");
}

TEST(SavingRnnCells, WeightsLiveInTheCells) {
  ScratchDir dir;
  utils::clear_session();
  Sequential model = cells_model();
  model.save_weights(dir / "m.weights.h5");
  H5Reader r = open_h5(dir / "m.weights.h5");
  EXPECT_EQ(r.count_vars("layers/rnn"), size_t{0});
  EXPECT_EQ(r.string_attr("layers/rnn/vars", "name"), "rnn");
  EXPECT_EQ(r.count_vars("layers/rnn/cell"), size_t{3});
  EXPECT_EQ(r.string_attr("layers/rnn/cell/vars", "name"), "lstm_cell");
  EXPECT_EQ(r.var_shape("layers/rnn/cell", 0), (std::vector<int64_t>{3, 16}));
  EXPECT_EQ(r.count_vars("layers/rnn_1/cell"), size_t{0});
  EXPECT_EQ(r.string_attr("layers/rnn_1/cell/vars", "name"), "stacked_rnn_cells");
  EXPECT_EQ(r.count_vars("layers/rnn_1/cell/cells/gru_cell"), size_t{3});
  EXPECT_EQ(r.var_shape("layers/rnn_1/cell/cells/gru_cell", 2), (std::vector<int64_t>{9}));  // reset_after=false
  EXPECT_EQ(r.string_attr("layers/rnn_1/cell/cells/simple_rnn_cell/vars", "name"), "simple_rnn_cell");
  EXPECT_EQ(r.var_shape("layers/rnn_1/cell/cells/simple_rnn_cell", 0), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(r.string_attr("layers/rnn_1/cell/cells/simple_rnn_cell_1/vars", "name"), "simple_rnn_cell_1");
  const auto lstm = model.layers()[0].get_weights();
  EXPECT_EQ(max_abs_diff(r.read_var("layers/rnn/cell", 1, {4, 16}), lstm[1]), 0.0f);
}

TEST(SavingRnnCells, RoundTripsThroughEveryFormat) {
  ScratchDir dir;
  utils::clear_session();
  Sequential model = cells_model();
  const Tensor x = random::normal({3, 5, 3});
  model.save(dir / "m.h5");
  Model legacy = saving::load_model(dir / "m.h5");
  EXPECT_EQ(max_abs_diff(legacy.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  model.save_weights(dir / "m.weights.h5");
  Sequential fresh = cells_model();
  utils::set_random_seed(99);
  fresh.set_weights([&] {
    auto w = fresh.get_weights();
    for (Tensor& t : w) t = random::normal(t.dims());
    return w;
  }());
  EXPECT_GT(max_abs_diff(fresh.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  fresh.load_weights(dir / "m.weights.h5");
  EXPECT_EQ(max_abs_diff(fresh.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  // Bidirectional of an RNN: each direction's cell under its own path.
  Sequential bi({Input(shape = {5, 3}), layers::Bidirectional(layers::RNN(layers::GRUCell(2)))});
  bi.save_weights(dir / "bi.weights.h5");
  H5Reader r = open_h5(dir / "bi.weights.h5");
  EXPECT_EQ(r.count_vars("layers/bidirectional/forward_layer/cell"), size_t{3});
  EXPECT_EQ(r.count_vars("layers/bidirectional/backward_layer/cell"), size_t{3});
}

TEST(SavingRnnCells, KerasArchiveRoundTrip) {
  utils::clear_session();
  const Tensor x = random::normal({3, 5, 3});
  keras::test_support::expect_keras_round_trip(cells_model(), x);
  Sequential bi({Input(shape = {5, 3}), layers::Bidirectional(layers::RNN(layers::GRUCell(2)))});
  keras::test_support::expect_keras_round_trip(bi, x);
}

TEST(SavingRnnCells, KerasConfigLoads) {
  // What Keras 3 writes for keras.layers.RNN([LSTMCell(4), LSTMCell(2)], go_backwards=True).
  const std::string cell = R"({"module": "keras.layers", "class_name": "LSTMCell", "config": {"name": "NAME",
      "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
      "registered_name": null}, "units": UNITS, "activation": "tanh", "recurrent_activation": "sigmoid",
      "use_bias": true, "unit_forget_bias": true, "kernel_initializer": {"module": "keras.initializers",
      "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}, "recurrent_initializer":
      {"module": "keras.initializers", "class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null},
      "registered_name": null}, "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
      "config": {}, "registered_name": null}, "kernel_regularizer": null, "recurrent_regularizer": null,
      "bias_regularizer": null, "kernel_constraint": null, "recurrent_constraint": null, "bias_constraint": null,
      "dropout": 0.0, "recurrent_dropout": 0.0, "seed": null}, "registered_name": null})";
  auto with = [&](std::string name, std::string units) {
    std::string s = cell;
    s.replace(s.find("NAME"), 4, name);
    s.replace(s.find("UNITS"), 5, units);
    return s;
  };
  const std::string text = R"({"module": "keras", "class_name": "Sequential", "config": {"name": "sequential",
      "trainable": true, "dtype": "float32", "layers": [
      {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 7, 3],
       "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
      {"module": "keras.layers", "class_name": "RNN", "config": {"name": "rnn", "trainable": true,
       "dtype": "float32", "return_sequences": false, "return_state": false, "go_backwards": true,
       "stateful": false, "unroll": false, "zero_output_for_mask": false, "cell": {"module": "keras.layers",
       "class_name": "StackedRNNCells", "config": {"name": "stacked_rnn_cells", "trainable": true,
       "dtype": "float32", "cells": [)" + with("lstm_cell", "4") + ", " + with("lstm_cell_1", "2") + R"(]},
       "registered_name": null}}, "registered_name": null, "build_config": {"input_shape": [null, 7, 3]}}],
      "build_input_shape": [null, 7, 3]}, "registered_name": null})";
  Model model = models::model_from_json(text);
  EXPECT_EQ(model.output_shape(), (Shape{None, 2}));
  EXPECT_EQ(model.count_params(), 4 * (4 * (3 + 4) + 4) + 4 * (2 * (4 + 2) + 2));
  EXPECT_EQ(model.layers()[0].impl()->config().get<Layer>("cell")->class_name(), "StackedRNNCells");
}
