// fit / evaluate / train_on_batch with Keras 3 semantics, and the training scenarios of issue #3.
#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// A linearly separable binary problem.
std::pair<Tensor, Tensor> binary_data(int64_t n, int64_t d) {
  Tensor x = random::normal({n, d});
  Tensor y = Tensor::empty({n, 1});
  for (int64_t i = 0; i < n; ++i) {
    float s = 0;
    for (int64_t j = 0; j < d; ++j) s += x.at({i, j}) * (j % 2 ? 1.0f : -0.5f);
    y.data()[i] = s > 0 ? 1.0f : 0.0f;
  }
  return {x, y};
}
}  // namespace

TEST(Fit, A_LazyBuildTrains) {
  utils::set_random_seed(0);
  auto [x, y] = binary_data(100, 5);
  Sequential model({layers::Dense(10), layers::Dense(1, activation = "sigmoid")});
  model.compile(optimizer = "adam", loss = "binary_crossentropy", metrics = {"accuracy"});
  History h = model.fit(x, y, epochs = 30, batch_size = 16, verbose = 0);
  EXPECT_TRUE(model.built());
  EXPECT_EQ(model.count_params(), 71);
  ASSERT_EQ(h.history.at("loss").size(), 30u);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
  EXPECT_GT(h.history.at("accuracy").back(), 0.8);
  EXPECT_EQ(h.epoch.front(), 0);
  EXPECT_EQ(h.params.steps, 7);
}

TEST(Fit, B_FlattenMlpFedFlatData) {
  Sequential model({layers::Flatten(input_shape = {28, 28, 1}), layers::Dense(128, activation = "relu"),
                    layers::Dense(10, activation = "softmax")});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy");
  EXPECT_THROW_WITH(model.fit(Tensor::zeros({64, 100}), Tensor::zeros({64}), verbose = 0), "(None, 28, 28, 1)",
                    "(64, 100)", "Hint:");
}

TEST(Fit, C_DataCardinality) {
  Sequential model({layers::Dense(1, input_shape = {3})});
  model.compile(optimizer = "sgd", loss = "mse");
  EXPECT_THROW_WITH(model.fit(Tensor::zeros({64, 3}), Tensor::zeros({60, 1}), verbose = 0),
                    "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.'x' "
                    "sizes: 64\n'y' sizes: 60\n", "Hint:");
}

TEST(Fit, D_DenseOnImagesWithoutFlatten) {
  Sequential model({layers::Dense(128), layers::Dense(10, activation = "softmax")});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  EXPECT_THROW_WITH(model.fit(Tensor::zeros({256, 28, 28, 1}), Tensor::zeros({256}), verbose = 0),
                    "(None, 28, 28, 10)", "Hint:", "Flatten");
}

TEST(Fit, MustCompileFirst) {
  Sequential model({layers::Dense(1, input_shape = {3})});
  EXPECT_THROW_WITH(model.fit(Tensor::zeros({4, 3}), Tensor::zeros({4, 1}), verbose = 0), "compile()");
}

TEST(Fit, ReproducibleWithSeed) {
  auto run = [] {
    utils::set_random_seed(7);
    auto [x, y] = binary_data(64, 4);
    Sequential model({layers::Dense(8, activation = "relu", input_shape = {4}), layers::Dense(1, activation = "sigmoid")});
    model.compile(optimizer = "adam", loss = "bce");
    return model.fit(x, y, epochs = 3, batch_size = 8, verbose = 0).history.at("loss");
  };
  EXPECT_EQ(run(), run());
}

TEST(Fit, ValidationSplitTakesTheLastSamples) {
  utils::set_random_seed(1);
  // The last 25% of the samples have targets no model input can explain: only they raise val_loss.
  Tensor x = Tensor::zeros({40, 2});
  Tensor y = Tensor::zeros({40, 1});
  for (int64_t i = 30; i < 40; ++i) y.data()[i] = 100.0f;
  Sequential model({layers::Dense(1, input_shape = {2}, kernel_initializer = "zeros")});
  model.compile(optimizer = "sgd", loss = "mse");
  History h = model.fit(x, y, epochs = 2, validation_split = 0.25, verbose = 0);
  EXPECT_NEAR(h.history.at("loss")[0], 0.0, 1e-6);
  EXPECT_GT(h.history.at("val_loss")[0], 9000.0);
}

TEST(Fit, EvaluateReturnsLossThenMetrics) {
  utils::set_random_seed(2);
  auto [x, y] = binary_data(50, 3);
  Sequential model({layers::Dense(1, activation = "sigmoid", input_shape = {3})});
  model.compile(optimizer = "sgd", loss = "binary_crossentropy", metrics = {"accuracy", "mae"});
  auto r = model.evaluate(x, y, verbose = 0);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(model.metrics_names(), (std::vector<std::string>{"loss", "accuracy", "mae"}));
  // The loss by hand.
  Tensor p = model.predict(x, verbose = 0);
  double bce = 0;
  for (int64_t i = 0; i < 50; ++i) {
    double q = std::clamp<double>(p.data()[i], 1e-7, 1 - 1e-7);
    bce -= y.data()[i] * std::log(q) + (1 - y.data()[i]) * std::log(1 - q);
  }
  EXPECT_NEAR(r[0], bce / 50, 1e-4);
}

TEST(Fit, SoftmaxCrossEntropyFusedGradientMatchesUnfused) {
  // The loss works from the softmax's logits; one SGD step must equal the textbook update (p - onehot) / n.
  utils::set_random_seed(3);
  Tensor x = random::normal({16, 5});
  Tensor y = random::randint(0, 3, {16});
  auto make = [] {
    utils::set_random_seed(11);
    Sequential m({layers::Dense(3, activation = "softmax", input_shape = {5})});
    m.compile(optimizer = optimizers::SGD(learning_rate = 0.5), loss = "sparse_categorical_crossentropy");
    return m;
  };
  Sequential fused = make();
  Sequential plain = make();  // same initial weights, never trained
  fused.train_on_batch(x, y);
  Tensor w0 = plain.get_weights()[0];
  Tensor p = plain.predict(x, verbose = 0);
  Tensor gw = Tensor::zeros({5, 3});
  for (int64_t i = 0; i < 16; ++i)
    for (int64_t c = 0; c < 3; ++c) {
      float d = (p.at({i, c}) - (static_cast<int64_t>(y.data()[i]) == c ? 1.0f : 0.0f)) / 16.0f;
      for (int64_t j = 0; j < 5; ++j) gw.at({j, c}) += x.at({i, j}) * d;
    }
  Tensor expected = w0 - gw * 0.5f;
  EXPECT_LT(max_abs_diff(fused.get_weights()[0], expected), 1e-5f);
}

TEST(Fit, DropoutOnlyInTraining) {
  utils::set_random_seed(4);
  Sequential model({layers::Dropout(0.5, input_shape = {100})});
  Tensor x = Tensor::ones({8, 100});
  EXPECT_EQ(max_abs_diff(model.predict(x, verbose = 0), x), 0.0f);
  EXPECT_EQ(max_abs_diff(model(x), x), 0.0f);
}

TEST(Fit, StopFromACallback) {
  struct StopAtTwo : Callback {
    int epochs_seen = 0;
    void on_epoch_end(int epoch, Logs& logs) override {
      ++epochs_seen;
      EXPECT_TRUE(logs.count("loss"));
      if (epoch == 1) model().stop_training = true;
    }
  };
  StopAtTwo cb;
  Sequential model({layers::Dense(1, input_shape = {2})});
  model.compile(optimizer = "sgd", loss = "mse");
  History h = model.fit(Tensor::ones({8, 2}), Tensor::ones({8, 1}), epochs = 10, callbacks = {cb}, verbose = 0);
  EXPECT_EQ(cb.epochs_seen, 2);
  EXPECT_EQ(h.history.at("loss").size(), 2u);
}

TEST(Fit, SeveralOutputsAndLossWeights) {
  utils::set_random_seed(5);
  auto in = Input({4});
  auto h = layers::Dense(8, activation = "tanh")(in);
  auto a = layers::Dense(1, name = "reg")(h);
  auto b = layers::Dense(2, activation = "softmax", name = "cls")(h);
  Model model(in, {a, b});
  model.compile(optimizer = "adam", loss = "mse", loss_weights = {1.0, 0.0});
  Tensor x = random::normal({32, 4});
  History hist = model.fit(x, {Tensor::ones({32, 1}), Tensor::zeros({32, 2})}, epochs = 40, verbose = 0);
  EXPECT_LT(hist.history.at("loss").back(), hist.history.at("loss").front());
}

TEST(Fit, ClassAndSampleWeights) {
  Sequential model({layers::Dense(1, input_shape = {1}, kernel_initializer = "zeros")});
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = Tensor::zeros({4, 1});
  Tensor y({0, 0, 1, 1}, {4, 1});
  // Zero weight on the two samples with target 1: the loss is zero.
  auto r = model.evaluate(x, y, sample_weight = Tensor({1, 1, 0, 0}, {4}), verbose = 0);
  EXPECT_NEAR(r[0], 0.0, 1e-7);
  History h = model.fit(x, y, class_weight = {{0, 1.0}, {1, 0.0}}, shuffle = false, verbose = 0);
  EXPECT_NEAR(h.history.at("loss")[0], 0.0, 1e-7);
}

TEST(Fit, DatasetOfBatches) {
  struct Batches : utils::Dataset {
    int64_t size() const override { return 5; }
    utils::Batch get(int64_t i) override {
      Tensor x = Tensor::full({8, 2}, static_cast<float>(i));
      return {x, Tensor::full({8, 1}, 2.0f * static_cast<float>(i)), {}};
    }
  } data;
  utils::set_random_seed(6);
  Sequential model({layers::Dense(1, input_shape = {2})});
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.05), loss = "mse");
  History h = model.fit(data, epochs = 40, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), 0.1 * h.history.at("loss").front());
}

TEST(Fit, GradientCheckThroughSharedLayersAndTwoOutputs) {
  auto in = Input({3});
  layers::Dense shared(3, activation = "tanh");
  auto h1 = shared(in);
  auto h2 = shared(h1);
  Model model(in, {layers::Dense(2)(h2), layers::Dense(1)(h1)});
  keras::test_support::expect_gradients_match(model, {random::normal({4, 3})});
}

// A training step leaves last step's gradients in place and lets the first layer to write each one overwrite it
// (Variable::grad_stale) instead of zero-filling them all first. A second step must still see only its own
// gradients: here a shared Dense adds two contributions to its kernel's gradient, and an unshared one overwrites.
TEST(Fit, SecondStepStartsFromFreshGradients) {
  utils::set_random_seed(5);
  auto build = [] {
    auto a = Input({4}, name = "a");
    auto b = Input({4}, name = "b");
    layers::Dense shared(3, activation = "tanh");
    auto merged = layers::Add()({shared(a), shared(b)});
    Model model({a, b}, layers::Dense(1)(merged));
    model.compile(optimizer = optimizers::SGD(learning_rate = 0.1), loss = "mse");
    return model;
  };
  Model stepped = build(), fresh = build();
  Tensor a1 = random::normal({8, 4}), b1 = random::normal({8, 4}), y1 = random::normal({8, 1});
  Tensor a2 = random::normal({8, 4}), b2 = random::normal({8, 4}), y2 = random::normal({8, 1});
  stepped.train_on_batch({a1, b1}, y1);
  fresh.set_weights(stepped.get_weights());  // same weights, never-used gradient buffers
  stepped.train_on_batch({a2, b2}, y2);
  fresh.train_on_batch({a2, b2}, y2);
  const auto ws = stepped.get_weights(), wf = fresh.get_weights();
  ASSERT_EQ(ws.size(), wf.size());
  for (size_t i = 0; i < ws.size(); ++i) EXPECT_EQ(ws[i].to_vector(), wf[i].to_vector()) << "weight " << i;
}
