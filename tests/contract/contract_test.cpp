// The public API contract (../shared/reference/cpp-api.md), as written there, for the parts keraspp has so far.
// Each test is a snippet of the contract: if it stops compiling, the contract is broken.
#include <keras/keras.hpp>

#include <gtest/gtest.h>

#include <sstream>

#include "support/sequences.hpp"

using namespace keras;      // Tensor, Shape, None, Sequential, Model, Input, layers::, random::, ValueError, ...
using namespace keras::kw;  // keyword arguments: activation=, input_shape=, epochs=, ...

TEST(Contract, TheOpeningExample) {
  utils::set_random_seed(0);
  Tensor x_train = random::uniform({64, 28, 28, 1});
  Tensor y_train = random::randint(0, 10, {64});
  Tensor x_test = random::uniform({8, 28, 28, 1});
  Sequential model({
      layers::Flatten(input_shape = {28, 28, 1}),
      layers::Dense(128, activation = "relu"),
      layers::Dense(10, activation = "softmax"),
  });
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  History history = model.fit(x_train, y_train, epochs = 5, batch_size = 32, validation_split = 0.1, verbose = 0);
  std::vector<double> losses = history.history.at("loss");
  EXPECT_EQ(losses.size(), 5u);
  Tensor probs = model.predict(x_test, verbose = 0);
  Tensor same = model(x_test);
  EXPECT_LT(max_abs_diff(probs, same), 1e-6f);
  std::ostringstream os;
  model.summary(os);
  EXPECT_NE(os.str().find("Trainable params: 101,770"), std::string::npos);  // Total adds the optimizer's after fit
}

TEST(Contract, Values) {
  Tensor x({1, 2, 3, 4, 5, 6}, {2, 3});
  Shape s = x.shape();
  EXPECT_EQ(s, (Shape{2, 3}));
  EXPECT_EQ(x.ndim(), 2);
  EXPECT_EQ(x.size(), 6);
  EXPECT_EQ(x.reshape({3, -1}).shape(), (Shape{3, 2}));
  EXPECT_EQ(x.at({1, 2}), 6.0f);
  float* raw = x.data();
  EXPECT_EQ(raw[0], 1.0f);
  EXPECT_EQ(to_string(Shape{None, 784}), "(None, 784)");
  EXPECT_EQ(to_string(Shape{64}), "(64,)");
  EXPECT_EQ(to_string(Shape{}), "()");
  std::ostringstream os;
  os << Shape{None, 784};
  EXPECT_EQ(os.str(), "(None, 784)");
  Tensor n = random::normal({2, 2}), u = random::uniform({2, 2}), r = random::randint(0, 5, {3});
  Tensor scaled = x / 255.0f;
  Tensor sum = x + x, prod = x * x;
  Tensor f = r.astype("float32");
  EXPECT_EQ(f.dtype(), "float32");
  (void)n, (void)u, (void)scaled, (void)sum, (void)prod;
}

TEST(Contract, NumpyFiles) {
  std::string dir = ::testing::TempDir();
  Tensor t = random::uniform({3, 4});
  numpy::save(dir + "/contract_x.npy", t);
  Tensor back = numpy::load(dir + "/contract_x.npy");
  EXPECT_EQ(max_abs_diff(back, t), 0.0f);
  numpy::savez(dir + "/contract.npz", {{"a", t}});
  numpy::savez_compressed(dir + "/contract_c.npz", {{"a", t}});
  std::map<std::string, Tensor> m = numpy::load_npz(dir + "/contract_c.npz");
  EXPECT_EQ(max_abs_diff(m.at("a"), t), 0.0f);
}

TEST(Contract, Datasets) {
  auto [train, test] = keras::datasets::fashion_mnist::load_data();
  auto [x_train, y_train] = train;
  EXPECT_EQ(x_train.shape(), (Shape{60000, 28, 28}));
  EXPECT_EQ(test.first.shape(), (Shape{10000, 28, 28}));
}

TEST(Contract, LayersAreSharedHandles) {
  auto dense = layers::Dense(4, use_bias = false, name = "fc1");
  auto copy = dense;
  Tensor y = dense(Tensor::ones({2, 3}));
  EXPECT_TRUE(copy.built());
  EXPECT_EQ(copy.name(), "fc1");
  EXPECT_EQ(dense.count_params(), 12);
  EXPECT_EQ(dense.get_weights()[0].shape(), (Shape{3, 4}));
  dense.set_weights({Tensor::zeros({3, 4})});
  EXPECT_EQ(dense.trainable_weights().size(), 1u);
  EXPECT_EQ(dense.non_trainable_weights().size(), 0u);
  auto in = keras::Input(shape = {None, 1});
  EXPECT_EQ(layers::Dense(units = 10)(in).shape(), (Shape{None, None, 10}));
  auto r = layers::Reshape({64});
  auto rv = layers::RepeatVector(3);
  auto d = layers::Dropout(0.5);
  auto a = layers::Activation("relu");
  auto g = layers::Dense(2, activation = activations::gelu);
  auto c = initializers::Constant(value = 0.5);
  auto k = layers::Dense(2, kernel_initializer = initializers::Constant(value = 0.5), activation = None);
  (void)r, (void)rv, (void)d, (void)a, (void)g, (void)c, (void)k, (void)y;
}

TEST(Contract, FunctionalModels) {
  auto inputs = keras::Input(shape = {784});
  auto h = layers::Dense(64, activation = "relu")(inputs);
  auto outputs = layers::Dense(10)(h);
  Model model(inputs, outputs);
  EXPECT_EQ(model.count_params(), int64_t{784 * 64 + 64 + 650});
  auto in_a = keras::Input(shape = {3});
  auto in_b = keras::Input(shape = {3});
  auto merged = layers::Concatenate()({in_a, in_b});
  auto added = layers::Add()({in_a, in_b});
  auto out = layers::Dense(1)(layers::Concatenate()({merged, added}));
  Model two({in_a, in_b}, {out});
  Tensor xa = Tensor::ones({4, 3}), xb = Tensor::ones({4, 3});
  Tensor p = two.predict({xa, xb}, verbose = 0);
  EXPECT_EQ(p.shape(), (Shape{4, 1}));
  two.compile(optimizer = optimizers::Adam(learning_rate = 1e-3),
              loss = losses::MeanSquaredError());
  two.fit({xa, xb}, Tensor::zeros({4, 1}), epochs = 1, verbose = 0);
  std::vector<Tensor> xs{xa, xb};
  EXPECT_EQ(two.predict(xs, verbose = 0).shape(), (Shape{4, 1}));
  Model as_model = Sequential({layers::Dense(1, input_shape = {2})});
  EXPECT_EQ(as_model.layers().size(), 1u);
  EXPECT_EQ(as_model.get_layer(0).class_name(), "Dense");
}

TEST(Contract, SequentialListsHoldInputs) {
  Sequential model({layers::Input(shape = {4}), layers::Dense(2)});
  model.add(layers::Dense(1));
  EXPECT_EQ(model.output_shape(), (Shape{None, 1}));
  EXPECT_EQ(model.input_shape(), (Shape{None, 4}));
}

TEST(Contract, CompileFitEvaluateWithObjectsAndCallbacks) {
  utils::set_random_seed(1);
  Tensor x = random::normal({40, 4});
  Tensor y = random::randint(0, 2, {40});
  Sequential model({layers::Dense(8, activation = "relu", input_shape = {4}), layers::Dense(1, activation = "sigmoid")});
  model.compile(optimizer = optimizers::Adam(learning_rate = 1e-3),
                loss = losses::BinaryCrossentropy(from_logits = false),
                metrics = {"accuracy", keras::metrics::Precision(), metrics::Recall()});
  History h = model.fit(x, y, epochs = 3, batch_size = 8, verbose = 0, validation_data = {x, y}, shuffle = true,
                        callbacks = {keras::callbacks::EarlyStopping(patience = 2)});
  EXPECT_TRUE(h.history.count("val_loss"));
  std::vector<double> r = model.evaluate(x, y, verbose = 0);
  EXPECT_EQ(r.size(), 4u);
  model.compile(optimizer = "adam", loss = losses::SparseCategoricalCrossentropy(from_logits = true));
  int epochs = 2;
  model.compile(optimizer = "sgd", loss = "mse");
  History h2 = model.fit(x, y, kw::epochs = epochs, verbose = 0);
  EXPECT_EQ(h2.history.at("loss").size(), 2u);
}

TEST(Contract, ErrorsAreValueErrorsWithHints) {
  Sequential model({layers::Dense(128, input_shape = {784})});
  try {
    model(Tensor::zeros({64, 100}));
    FAIL();
  } catch (const ValueError& e) {
    const std::invalid_argument& base = e;
    std::string what = base.what();
    EXPECT_EQ(what.rfind("Input 0 of layer \"", 0), 0u) << what;
    EXPECT_NE(what.find("\nHint: "), std::string::npos);
  }
}

TEST(Contract, LstmInitialState) {
  utils::set_random_seed(3);
  Tensor x = random::normal({4, 6, 3});
  Tensor h = random::normal({4, 8}), c = random::normal({4, 8});
  // Eager: lstm(x, initial_state={h, c}) is the call with the states as extra inputs.
  auto lstm = layers::LSTM(8, return_state = true, name = "enc");
  std::vector<Tensor> extra = lstm(std::vector<Tensor>{x, h, c});
  std::vector<Tensor> all = lstm.call_outputs(x, initial_state = {h, c});
  ASSERT_EQ(all.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(max_abs_diff(all[i], extra[i]), 0.0f) << i;
  Tensor y = lstm(x, initial_state = {h, c});
  EXPECT_EQ(max_abs_diff(y, extra[0]), 0.0f);
  EXPECT_GT(max_abs_diff(y, lstm(x)), 1e-3f);  // the states are used, not zeros
  // One-state layers take a list of one or the tensor itself.
  auto gru = layers::GRU(8);
  EXPECT_EQ(max_abs_diff(gru(x, initial_state = h), gru(std::vector<Tensor>{x, h})[0]), 0.0f);
  auto rnn = layers::SimpleRNN(8);
  EXPECT_EQ(max_abs_diff(rnn(x, initial_state = {h}), rnn(std::vector<Tensor>{x, h})[0]), 0.0f);
  // Bidirectional: the forward layer's states, then the backward layer's.
  Tensor hb = random::normal({4, 8}), cb = random::normal({4, 8});
  auto bi = layers::Bidirectional(layers::LSTM(8, return_state = true));
  std::vector<Tensor> bo = bi.call_outputs(x, initial_state = {h, c, hb, cb});
  ASSERT_EQ(bo.size(), 5u);
  std::vector<Tensor> fo = bi.forward_layer()(std::vector<Tensor>{x, h, c});
  std::vector<Tensor> bw = bi.backward_layer()(std::vector<Tensor>{x, hb, cb});
  for (int64_t b = 0; b < 4; ++b)
    for (int64_t j = 0; j < 8; ++j) {
      EXPECT_EQ(bo[0].at({b, j}), fo[0].at({b, j}));
      EXPECT_EQ(bo[0].at({b, 8 + j}), bw[0].at({b, j}));
    }
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(max_abs_diff(bo[1 + i], fo[1 + i]), 0.0f);
    EXPECT_EQ(max_abs_diff(bo[3 + i], bw[1 + i]), 0.0f);
  }

  // Symbolic: an encoder's final states start a decoder, and the model trains both through them.
  auto enc_in = keras::Input(shape = {6, 3});
  auto dec_in = keras::Input(shape = {5, 2});
  auto encoder = layers::LSTM(8, return_state = true);
  std::vector<KerasTensor> enc = encoder.call_outputs({enc_in});
  auto decoder = layers::LSTM(8, return_sequences = true);
  KerasTensor seq = decoder(dec_in, initial_state = {enc[1], enc[2]});
  EXPECT_EQ(seq.shape(), (Shape{None, 5, 8}));
  auto head = layers::Dense(1);
  Model model({enc_in, dec_in}, {head(seq)});
  Tensor xd = random::normal({4, 5, 2});
  std::vector<Tensor> states = encoder(std::vector<Tensor>{x});
  Tensor eager = head(decoder(xd, initial_state = {states[1], states[2]}));
  Tensor predicted = model.predict({x, xd}, verbose = 0);
  EXPECT_LT(max_abs_diff(predicted, eager), 1e-6f);
  Tensor encoder_kernel = encoder.get_weights()[0].copy();
  model.compile(optimizer = optimizers::Adam(learning_rate = 1e-2), loss = "mse");
  Tensor target = random::normal({4, 5, 1});
  History hist = model.fit({x, xd}, target, epochs = 15, batch_size = 4, verbose = 0);
  EXPECT_LT(hist.history.at("loss").back(), 0.8 * hist.history.at("loss").front());
  EXPECT_GT(max_abs_diff(encoder.get_weights()[0], encoder_kernel), 1e-4f);  // gradients reached the encoder

  // The wrong number of states: tf.keras's message (Keras 3 has none), the layer named in the hint.
  try {
    lstm(x, initial_state = h);
    FAIL() << "one state for an LSTM";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "Layer has 2 states but was passed 1 initial states. Received: initial_state=[(4, 8)]");
    EXPECT_EQ(e.layer(), "enc");
    EXPECT_EQ(e.expected(), "2 initial state(s)");
    EXPECT_EQ(e.received(), "1");
    EXPECT_NE(std::string(e.what()).find("layer \"enc\" (LSTM) has 2 state(s) (h, c)"), std::string::npos);
  }
  try {
    decoder(dec_in, initial_state = {enc[1]});
    FAIL() << "one state for an LSTM, symbolically";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "Layer has 2 states but was passed 1 initial states. Received: initial_state=[(None, 8)]");
  }
  try {
    bi(x, initial_state = {h, c, hb});
    FAIL() << "three states for a Bidirectional LSTM";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message().rfind("When passing `initial_state` to a Bidirectional RNN, the state should be a list "
                                "containing the states of the underlying RNNs.", 0), 0u) << e.message();
    EXPECT_EQ(e.expected(), "4 initial states");
    EXPECT_EQ(e.received(), "3");
  }
  try {
    bi(x, initial_state = {h, hb});
    FAIL() << "two states for a Bidirectional LSTM";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.message(), "Layer has 4 states but was passed 2 initial states. Received: initial_state=[(4, 8), (4, 8)]");
    EXPECT_NE(std::string(e.what()).find("the forward layer's (h, c) then the backward layer's"), std::string::npos);
  }
}

TEST(Contract, StatefulLstmAndResetState) {
  utils::set_random_seed(4);
  Tensor x = random::normal({2, 6, 3});
  auto whole = layers::LSTM(4, name = "whole");
  Tensor y_all = whole(x);
  // The same sequence in two halves through a stateful layer: the second call starts from the first's states.
  auto lstm = layers::LSTM(4, stateful = true, batch_input_shape = {2, 3, 3});
  auto [x1, x2] = keras::test_support::split_in_time(x, 3);
  lstm(x1);
  lstm.set_weights(whole.get_weights());
  lstm.reset_state();
  Tensor first = lstm(x1);
  EXPECT_LT(max_abs_diff(lstm(x2), y_all), 1e-5f);
  lstm.reset_state();  // back to zeros: the first half again gives the first output
  EXPECT_LT(max_abs_diff(lstm(x1), first), 1e-6f);
  lstm.reset_states();  // Keras's compatibility alias
  EXPECT_LT(max_abs_diff(lstm(x1), first), 1e-6f);
  // A stateful model carries states across predict batches.
  Sequential model({layers::LSTM(4, stateful = true, batch_input_shape = {2, 3, 3})});
  model.get_layer(0).set_weights(whole.get_weights());
  Tensor p1 = model.predict(x1, batch_size = 2, verbose = 0);
  Tensor p2 = model.predict(x2, batch_size = 2, verbose = 0);
  EXPECT_LT(max_abs_diff(p1, first), 1e-5f);
  EXPECT_LT(max_abs_diff(p2, y_all), 1e-5f);
}
