// The layers that hold other objects in Keras 3 (saving_lib._walk_saveable): LSTM/GRU/SimpleRNN keep their weights
// in a cell (layers/lstm/cell/vars), TimeDistributed in its `layer`, Bidirectional in `backward_layer` and
// `forward_layer`. Their weights round-trip through .keras, .weights.h5 and legacy .h5, and files laid out as Keras
// writes them load into the right variables.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/h5_store.hpp"
#include "saving/zip_archive.hpp"
#include "support/gradient_check.hpp"
#include "support/saving_helpers.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::open_h5;
using keras::test_support::ScratchDir;
using keras::test_support::write_bytes;
using saving::detail::H5Reader;
using saving::detail::H5Writer;

namespace {

// Every weight moved off its initial value, so that a weight loaded into the wrong variable shows.
void jitter_weights(const Model& m) {
  auto w = m.get_weights();
  for (Tensor& t : w) t = t + random::uniform(t.dims(), -0.5f, 0.5f);
  m.set_weights(w);
}

float max_prediction_diff(const Model& a, const Model& b, const Data& x) {
  return max_abs_diff(a.predict(x, verbose = 0), b.predict(x, verbose = 0));
}

// A (batch, 5, 3) sequence model with every wrapper, a plain recurrent layer after them.
Sequential wrapped_model() {
  utils::set_random_seed(21);
  return Sequential({
      Input(shape = {5, 3}),
      layers::TimeDistributed(layers::Dense(4, activation = "tanh")),
      layers::Bidirectional(layers::LSTM(3, return_sequences = true)),
      layers::Bidirectional(layers::GRU(2, return_sequences = true), merge_mode = "sum"),
      layers::TimeDistributed(layers::Dense(2)),
      layers::SimpleRNN(2),
  });
}

}  // namespace

TEST(SavingWrappers, RecurrentWeightsLiveInTheCell) {
  ScratchDir dir;
  utils::clear_session();
  Sequential model({Input(shape = {4, 3}), layers::LSTM(5, return_sequences = true), layers::GRU(2, return_sequences = true),
                    layers::SimpleRNN(3)});
  model.save_weights(dir / "m.weights.h5");
  H5Reader r = open_h5(dir / "m.weights.h5");
  // The RNN's own group is empty; its cell holds kernel, recurrent_kernel, bias.
  EXPECT_EQ(r.count_vars("layers/lstm"), size_t{0});
  EXPECT_EQ(r.string_attr("layers/lstm/vars", "name"), "lstm");
  EXPECT_EQ(r.count_vars("layers/lstm/cell"), size_t{3});
  EXPECT_EQ(r.string_attr("layers/lstm/cell/vars", "name"), "lstm_cell");
  EXPECT_EQ(r.var_shape("layers/lstm/cell", 0), (std::vector<int64_t>{3, 20}));
  EXPECT_EQ(r.var_shape("layers/lstm/cell", 1), (std::vector<int64_t>{5, 20}));
  EXPECT_EQ(r.var_shape("layers/lstm/cell", 2), (std::vector<int64_t>{20}));
  EXPECT_EQ(r.count_vars("layers/gru"), size_t{0});
  EXPECT_EQ(r.string_attr("layers/gru/cell/vars", "name"), "gru_cell");
  EXPECT_EQ(r.var_shape("layers/gru/cell", 2), (std::vector<int64_t>{2, 6}));  // reset_after: (2, 3u)
  EXPECT_EQ(r.string_attr("layers/simple_rnn/cell/vars", "name"), "simple_rnn_cell");
  EXPECT_EQ(r.count_vars("layers/simple_rnn/cell"), size_t{3});
  // The values are the layer's, in Keras's order.
  const auto lstm = model.layers()[0].get_weights();
  Tensor k = r.read_var("layers/lstm/cell", 0, {3, 20});
  Tensor rk = r.read_var("layers/lstm/cell", 1, {5, 20});
  EXPECT_EQ(max_abs_diff(k, lstm[0]), 0.0f);
  EXPECT_EQ(max_abs_diff(rk, lstm[1]), 0.0f);
}

TEST(SavingWrappers, KerasLayoutOfWrappers) {
  ScratchDir dir;
  utils::clear_session();
  Sequential model = wrapped_model();
  model.save_weights(dir / "w.weights.h5");
  H5Reader r = open_h5(dir / "w.weights.h5");
  EXPECT_EQ(r.count_vars("layers/time_distributed"), size_t{0});
  EXPECT_EQ(r.string_attr("layers/time_distributed/vars", "name"), "time_distributed");
  EXPECT_EQ(r.count_vars("layers/time_distributed/layer"), size_t{2});
  EXPECT_EQ(r.string_attr("layers/time_distributed/layer/vars", "name"), "dense");
  EXPECT_EQ(r.var_shape("layers/time_distributed/layer", 0), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(r.count_vars("layers/time_distributed_1/layer"), size_t{2});
  // Bidirectional: an empty group, then each direction (an RNN, its weights in its cell).
  EXPECT_EQ(r.count_vars("layers/bidirectional"), size_t{0});
  EXPECT_EQ(r.count_vars("layers/bidirectional/forward_layer"), size_t{0});
  EXPECT_EQ(r.string_attr("layers/bidirectional/forward_layer/vars", "name"), "forward_lstm");
  EXPECT_EQ(r.string_attr("layers/bidirectional/backward_layer/vars", "name"), "backward_lstm");
  EXPECT_EQ(r.count_vars("layers/bidirectional/forward_layer/cell"), size_t{3});
  EXPECT_EQ(r.count_vars("layers/bidirectional/backward_layer/cell"), size_t{3});
  EXPECT_EQ(r.string_attr("layers/bidirectional/backward_layer/cell/vars", "name"), "lstm_cell");
  EXPECT_EQ(r.var_shape("layers/bidirectional/forward_layer/cell", 0), (std::vector<int64_t>{4, 12}));
  EXPECT_EQ(r.string_attr("layers/bidirectional_1/forward_layer/vars", "name"), "forward_gru");
  EXPECT_EQ(r.var_shape("layers/bidirectional_1/backward_layer/cell", 0), (std::vector<int64_t>{6, 6}));
  EXPECT_EQ(r.count_vars("layers/simple_rnn/cell"), size_t{3});
  // The backward direction's values are the backward layer's.
  const kw::Kwargs& bi = model.layers()[1].impl()->config();  // "layer": the forward layer
  Tensor bk = r.read_var("layers/bidirectional/backward_layer/cell", 0, {4, 12});
  EXPECT_EQ(max_abs_diff(bk, bi.get<Layer>("backward_layer")->get_weights()[0]), 0.0f);
  EXPECT_GT(max_abs_diff(bk, bi.get<Layer>("layer")->get_weights()[0]), 0.0f);
}

TEST(SavingWrappers, KerasRoundTripPredictsTheSame) {
  ScratchDir dir;
  Sequential model = wrapped_model();
  jitter_weights(model);
  model.save(dir / "w.keras");
  Model loaded = saving::load_model(dir / "w.keras");
  EXPECT_EQ(loaded.summary_string(), model.summary_string());
  Tensor x = random::normal({3, 5, 3});
  EXPECT_EQ(max_prediction_diff(model, loaded, x), 0.0f);
  // save_weights / load_weights into a model built alike but freshly initialized.
  model.save_weights(dir / "w.weights.h5");
  Sequential fresh = wrapped_model();
  EXPECT_GT(max_prediction_diff(model, fresh, x), 0.0f);
  fresh.load_weights(dir / "w.weights.h5");
  EXPECT_EQ(max_prediction_diff(model, fresh, x), 0.0f);
  // The weights of a .keras archive, too.
  Sequential other = wrapped_model();
  other.load_weights(dir / "w.keras");
  EXPECT_EQ(max_prediction_diff(model, other, x), 0.0f);
}

TEST(SavingWrappers, FunctionalWithNestedWrappersRoundTrips) {
  ScratchDir dir;
  utils::set_random_seed(5);
  auto in = Input(shape = {6, 2}, name = "seq");
  Sequential inner({Input(shape = {6, 2}), layers::Bidirectional(layers::SimpleRNN(3, return_sequences = true))},
                   name = "inner");
  auto h = inner(in);
  auto t = layers::TimeDistributed(layers::Dense(2), name = "td")(h);
  auto y = layers::Bidirectional(layers::GRU(2), merge_mode = "concat", name = "bi")(t);
  Model model(in, layers::Dense(1, name = "out")(y), name = "nested");
  jitter_weights(model);
  Tensor x = random::normal({2, 6, 2});
  for (const char* file : {"n.keras", "n.h5"}) {
    model.save(dir / file);
    Model loaded = saving::load_model(dir / file);
    EXPECT_EQ(loaded.summary_string(), model.summary_string()) << file;
    EXPECT_EQ(max_prediction_diff(model, loaded, x), 0.0f) << file;
  }
  model.save_weights(dir / "n.weights.h5");
  H5Reader r = open_h5(dir / "n.weights.h5");
  // Functional lists its InputLayer; the nested Sequential's Bidirectional sits under its own layers/.
  EXPECT_EQ(r.count_vars("layers/sequential/layers/bidirectional/forward_layer/cell"), size_t{3});
  EXPECT_EQ(r.count_vars("layers/time_distributed/layer"), size_t{2});
  EXPECT_EQ(r.count_vars("layers/bidirectional/backward_layer/cell"), size_t{3});
}

TEST(SavingWrappers, LegacyH5RoundTripAndWeightNames) {
  ScratchDir dir;
  utils::clear_session();
  Sequential model = wrapped_model();
  jitter_weights(model);
  model.save(dir / "w.h5");
  Model loaded = saving::load_model(dir / "w.h5");
  EXPECT_EQ(loaded.summary_string(), model.summary_string());
  Tensor x = random::normal({3, 5, 3});
  EXPECT_EQ(max_prediction_diff(model, loaded, x), 0.0f);
  Sequential fresh = wrapped_model();
  fresh.load_weights(dir / "w.h5");
  EXPECT_EQ(max_prediction_diff(model, fresh, x), 0.0f);
  // Each wrapper's weights, forward before backward, named apart by the layer that holds them.
  H5Reader r = open_h5(dir / "w.h5");
  EXPECT_EQ(r.string_list_attr("model_weights/bidirectional", "weight_names").value(),
            (std::vector<std::string>{"forward_lstm/kernel", "forward_lstm/recurrent_kernel", "forward_lstm/bias",
                                      "backward_lstm/kernel", "backward_lstm/recurrent_kernel", "backward_lstm/bias"}));
  EXPECT_EQ(r.string_list_attr("model_weights/time_distributed", "weight_names").value(),
            (std::vector<std::string>{"dense/kernel", "dense/bias"}));
  EXPECT_EQ(r.string_list_attr("model_weights/simple_rnn", "weight_names").value(),
            (std::vector<std::string>{"kernel", "recurrent_kernel", "bias"}));
  EXPECT_EQ(r.dataset_shape("model_weights/bidirectional/backward_lstm/recurrent_kernel"),
            (std::vector<int64_t>{3, 12}));
}

TEST(SavingWrappers, FileWrittenInKerasLayoutLoadsIntoTheRightVariables) {
  // The tree Keras 3's _save_state writes, made by hand with distinct values: each lands in its variable.
  ScratchDir dir;
  utils::clear_session();
  layers::TimeDistributed td(layers::Dense(2));
  layers::Bidirectional bi(layers::LSTM(2));
  Sequential model({Input(shape = {3, 2}), td, bi});
  const Tensor dk = random::normal({2, 2}), db = random::normal({2});
  std::vector<Tensor> fw, bw;
  for (const Tensor& t : bi.forward_layer().get_weights()) fw.push_back(random::normal(t.dims()));
  for (const Tensor& t : bi.backward_layer().get_weights()) bw.push_back(random::normal(t.dims()));
  {
    H5Writer w;
    w.write_vars("", "sequential", {});
    w.write_vars("layers/time_distributed", "time_distributed", {});
    w.write_vars("layers/time_distributed/layer", "dense", {dk, db});
    w.write_vars("layers/bidirectional", "bidirectional", {});
    w.write_vars("layers/bidirectional/backward_layer", "backward_lstm", {});
    w.write_vars("layers/bidirectional/backward_layer/cell", "lstm_cell", bw);
    w.write_vars("layers/bidirectional/forward_layer", "forward_lstm", {});
    w.write_vars("layers/bidirectional/forward_layer/cell", "lstm_cell", fw);
    write_bytes(dir / "k.weights.h5", w.image());
  }
  model.load_weights(dir / "k.weights.h5");
  EXPECT_EQ(max_abs_diff(td.layer().get_weights()[0], dk), 0.0f);
  EXPECT_EQ(max_abs_diff(td.layer().get_weights()[1], db), 0.0f);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(max_abs_diff(bi.forward_layer().get_weights()[i], fw[i]), 0.0f) << i;
    EXPECT_EQ(max_abs_diff(bi.backward_layer().get_weights()[i], bw[i]), 0.0f) << i;
  }
}

TEST(SavingWrappers, Keras2LegacyWeightNamesLoadByOrder) {
  // tf.keras 2 save_weights: "bidirectional/forward_lstm/lstm_cell/kernel:0" and so on, forward first;
  // TimeDistributed(Dense) as "time_distributed/kernel:0".
  ScratchDir dir;
  layers::TimeDistributed td(layers::Dense(2));
  layers::Bidirectional bi(layers::LSTM(2));
  Sequential model({Input(shape = {3, 2}), td, bi});
  std::vector<Tensor> fw, bw;
  for (const Tensor& t : bi.forward_layer().get_weights()) fw.push_back(random::normal(t.dims()));
  for (const Tensor& t : bi.backward_layer().get_weights()) bw.push_back(random::normal(t.dims()));
  const Tensor dk = random::normal({2, 2}), db = random::normal({2});
  {
    H5Writer w;
    w.write_string_list_attr("", "layer_names", {"time_distributed", "bidirectional"});
    w.write_string_attr("", "keras_version", "2.11.0");
    w.write_string_list_attr("time_distributed", "weight_names", {"time_distributed/kernel:0", "time_distributed/bias:0"});
    w.write_dataset("time_distributed/time_distributed/kernel:0", dk);
    w.write_dataset("time_distributed/time_distributed/bias:0", db);
    const std::vector<std::string> names = {"kernel:0", "recurrent_kernel:0", "bias:0"};
    std::vector<std::string> listed;
    for (const char* dir_name : {"forward_lstm", "backward_lstm"})
      for (const std::string& n : names) listed.push_back(std::string("bidirectional/") + dir_name + "/lstm_cell/" + n);
    w.write_string_list_attr("bidirectional", "weight_names", listed);
    for (size_t i = 0; i < 3; ++i) {
      w.write_dataset("bidirectional/" + listed[i], fw[i]);
      w.write_dataset("bidirectional/" + listed[3 + i], bw[i]);
    }
    write_bytes(dir / "k2.h5", w.image());
  }
  model.load_weights(dir / "k2.h5");
  EXPECT_EQ(max_abs_diff(td.layer().get_weights()[0], dk), 0.0f);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(max_abs_diff(bi.forward_layer().get_weights()[i], fw[i]), 0.0f) << i;
    EXPECT_EQ(max_abs_diff(bi.backward_layer().get_weights()[i], bw[i]), 0.0f) << i;
  }
}

TEST(SavingWrappers, OlderKerasppLstmLayoutStillLoads) {
  // keraspp wrote an RNN's variables at layers/lstm/vars before it stored the cell: still read, nothing else is.
  ScratchDir dir;
  Sequential model({Input(shape = {3, 2}), layers::LSTM(2)});
  std::vector<Tensor> values;
  for (const Tensor& t : model.get_weights()) values.push_back(random::normal(t.dims()));
  {
    H5Writer w;
    w.write_vars("", "sequential", {});
    w.write_vars("layers/lstm", "lstm", values);
    write_bytes(dir / "old.weights.h5", w.image());
  }
  model.load_weights(dir / "old.weights.h5");
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(max_abs_diff(model.get_weights()[i], values[i]), 0.0f) << i;
}

TEST(SavingWrappers, MismatchNamesTheCell) {
  ScratchDir dir;
  Sequential model({Input(shape = {3, 2}), layers::LSTM(2)});
  const auto before = model.get_weights();
  {
    H5Writer w;
    w.write_vars("", "sequential", {});
    w.write_vars("layers/lstm", "lstm", {});
    w.write_vars("layers/lstm/cell", "lstm_cell", {random::normal({2, 8}), random::normal({2, 8})});
    write_bytes(dir / "bad.weights.h5", w.image());
  }
  EXPECT_THROW_WITH(model.load_weights(dir / "bad.weights.h5"), "A total of 1 objects could not be loaded",
                    "<LSTMCell name=lstm_cell, built=True>",
                    "Layer 'lstm_cell' expected 3 variables, but received 2 variables during loading.");
  {
    H5Writer w;
    w.write_vars("", "sequential", {});
    w.write_vars("layers/lstm", "lstm", {});
    w.write_vars("layers/lstm/cell", "lstm_cell", {random::normal({3, 8}), random::normal({2, 8}), random::normal({8})});
    write_bytes(dir / "shape.weights.h5", w.image());
  }
  EXPECT_THROW_WITH(model.load_weights(dir / "shape.weights.h5"), "variable.shape=(2, 8), Received: value.shape=(3, 8)",
                    "/lstm_cell/kernel, shape=(2, 8)");
  for (size_t i = 0; i < before.size(); ++i) EXPECT_EQ(max_abs_diff(model.get_weights()[i], before[i]), 0.0f);
}

TEST(SavingWrappers, ALayerReachedTwice) {
  // A layer used directly and inside a nested model. Keras's visited_saveables keeps only its first path; keraspp
  // writes both (a model rebuilt from the config has two separate layers, and reads both paths) and, like Keras,
  // loads the shared layer from its first path, so a file with only that path loads too.
  ScratchDir dir;
  layers::Dense shared(4, name = "shared");
  Sequential inner({Input(shape = {4}), shared, layers::Dense(2, name = "inner_out")}, name = "inner");
  auto in = Input(shape = {4}, name = "x");
  Model model(in, inner(shared(in)), name = "outer");
  jitter_weights(model);
  Tensor x = random::normal({3, 4});
  model.save_weights(dir / "s.weights.h5");
  H5Reader r = open_h5(dir / "s.weights.h5");
  EXPECT_EQ(r.count_vars("layers/dense"), size_t{2});
  EXPECT_EQ(r.count_vars("layers/sequential/layers/dense"), size_t{2});
  model.save(dir / "s.keras");
  EXPECT_EQ(max_prediction_diff(model, saving::load_model(dir / "s.keras"), x), 0.0f);
  // The tree Keras writes: the shared layer at layers/dense only.
  {
    const auto inner_out = inner.get_layer("inner_out").get_weights();
    H5Writer w;
    w.write_vars("", "outer", {});
    w.write_vars("layers/input_layer", "x", {});
    w.write_vars("layers/dense", "shared", shared.get_weights());
    w.write_vars("layers/sequential", "inner", {});
    w.write_vars("layers/sequential/layers/dense_1", "inner_out", inner_out);
    write_bytes(dir / "keras.weights.h5", w.image());
  }
  const auto before = model.predict(x, verbose = 0).outputs().at(0);
  jitter_weights(model);
  model.load_weights(dir / "keras.weights.h5");
  EXPECT_EQ(max_abs_diff(model.predict(x, verbose = 0).outputs().at(0), before), 0.0f);
}

// Bidirectional(ConvLSTM2D): each direction keeps its weights in its ConvLSTMCell, as Keras 3 writes them.
TEST(SavingWrappers, BidirectionalConvLstmLayout) {
  ScratchDir dir;
  utils::clear_session();
  Sequential model({layers::Input({3, 4, 4, 2}),
                    layers::Bidirectional(layers::ConvLSTM2D(3, 3, padding = "same", return_sequences = true)),
                    layers::Flatten(), layers::Dense(2)});
  jitter_weights(model);
  model.save_weights(dir / "c.weights.h5");
  H5Reader r = open_h5(dir / "c.weights.h5");
  EXPECT_EQ(r.string_attr("layers/bidirectional/forward_layer/vars", "name"), "forward_conv_lstm2d");
  EXPECT_EQ(r.string_attr("layers/bidirectional/backward_layer/cell/vars", "name"), "conv_lstm_cell");
  EXPECT_EQ(r.count_vars("layers/bidirectional/forward_layer/cell"), size_t{3});
  EXPECT_EQ(r.var_shape("layers/bidirectional/backward_layer/cell", 1), (std::vector<int64_t>{3, 3, 3, 12}));
  const Tensor x = random::normal({2, 3, 4, 4, 2});
  for (const char* file : {"c.keras", "c.h5"}) {
    model.save(dir / file);
    Model loaded = saving::load_model(dir / file);
    EXPECT_EQ(max_prediction_diff(model, loaded, x), 0.0f) << file;
  }
}
