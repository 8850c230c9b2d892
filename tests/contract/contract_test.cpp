// The public API contract (../shared/reference/cpp-api.md), as written there, for the parts keraspp has so far.
// Each test is a snippet of the contract: if it stops compiling, the contract is broken.
#include <keras/keras.hpp>

#include <gtest/gtest.h>

#include <sstream>

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
