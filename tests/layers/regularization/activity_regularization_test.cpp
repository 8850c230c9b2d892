#include "keras/layers/regularization/activity_regularization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/loss_gradient.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

namespace {

// l1 * sum|x| + l2 * sum x^2 over the whole batch (Keras 3 does not divide by the batch size).
double penalty(const Tensor& x, double l1, double l2) {
  double s = 0;
  for (float v : x.to_vector()) s += l1 * std::fabs(v) + l2 * static_cast<double>(v) * v;
  return s;
}

Sequential regularized_model(double l1, double l2) {
  utils::set_random_seed(4);
  Sequential model({Input({3}), layers::Dense(2), layers::ActivityRegularization(l1, l2)});
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
  return model;
}

}  // namespace

TEST(ActivityRegularization, IdentityOfAnyShape) {
  Tensor x = random::normal({4, 3, 2});
  EXPECT_TRUE(layers::ActivityRegularization(0.1)(x).shares_storage_with(x));
  EXPECT_EQ(layers::ActivityRegularization(l2 = 0.1)(Input({5, 2})).shape(), (Shape{None, 5, 2}));
  layers::ActivityRegularization none;
  kt::expect_gradients_match(none, {x});
}

TEST(ActivityRegularization, EvaluateAndFitReportThePenalty) {
  const double l1 = 0.01, l2 = 0.02;
  Sequential model = regularized_model(l1, l2);
  Tensor x = random::normal({6, 3}), y = random::normal({6, 2});
  Tensor out = model.predict(x, verbose = 0);
  double mse = 0;
  for (int64_t i = 0; i < out.size(); ++i) mse += std::pow(out.data()[i] - y.data()[i], 2);
  mse /= static_cast<double>(out.size());
  const double want = mse + penalty(out, l1, l2);
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(0), want, 1e-5);
  History h = model.fit(x, y, epochs = 1, batch_size = 6, shuffle = false, verbose = 0);
  EXPECT_NEAR(h.history.at("loss").at(0), want, 1e-5);
}

TEST(ActivityRegularization, CountsWhenNotTrainable) {
  // Keras's layer.losses keep add_loss terms of non-trainable layers; only weight regularizers follow `trainable`.
  const double l1 = 0.01, l2 = 0.02;
  Sequential model = regularized_model(l1, l2);
  model.layers().back().set_trainable(false);
  model.compile(optimizer = optimizers::SGD(learning_rate = 1.0), loss = "mse");
  Tensor x = random::normal({6, 3}), y = random::normal({6, 2});
  Tensor out = model.predict(x, verbose = 0);
  double mse = 0;
  for (int64_t i = 0; i < out.size(); ++i) mse += std::pow(out.data()[i] - y.data()[i], 2);
  mse /= static_cast<double>(out.size());
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(0), mse + penalty(out, l1, l2), 1e-5);
  History h = model.fit(x, y, epochs = 1, batch_size = 6, shuffle = false, verbose = 0);
  EXPECT_NEAR(h.history.at("loss").at(0), mse + penalty(out, l1, l2), 1e-5);
}

TEST(ActivityRegularization, EachCallAddsItsPenalty) {
  // Keras's add_loss runs on every call: one layer used twice on the same values adds its penalty twice.
  const double l1 = 0.01, l2 = 0.02;
  utils::set_random_seed(5);
  auto in = Input(shape = {3});
  layers::ActivityRegularization reg(l1, l2);
  Model model(in, reg(reg(layers::Dense(2)(in))));
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = random::normal({6, 3}), y = random::normal({6, 2});
  Tensor out = model.predict(x, verbose = 0);
  double mse = 0;
  for (int64_t i = 0; i < out.size(); ++i) mse += std::pow(out.data()[i] - y.data()[i], 2);
  mse /= static_cast<double>(out.size());
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(0), mse + 2 * penalty(out, l1, l2), 1e-5);
}

TEST(ActivityRegularization, TrainingGradientIncludesThePenalty) {
  kt::expect_fit_step_follows_loss_gradient(regularized_model(0.05, 0.1), random::normal({4, 3}),
                                            random::normal({4, 2}));
}

TEST(ActivityRegularization, KerasDefaultsAddNothing) {
  Sequential model = regularized_model(0.0, 0.0);
  Tensor x = random::normal({6, 3}), y = random::normal({6, 2});
  Tensor out = model.predict(x, verbose = 0);
  double mse = 0;
  for (int64_t i = 0; i < out.size(); ++i) mse += std::pow(out.data()[i] - y.data()[i], 2);
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(0), mse / static_cast<double>(out.size()), 1e-6);
}

TEST(ActivityRegularization, Saving) {
  auto in = Input(shape = {4});
  Model model(in, layers::ActivityRegularization(l1 = 0.5, l2 = 0.25)(layers::Dense(3)(in)));
  Model loaded = kt::expect_keras_round_trip(model, random::normal({3, 4}));
  const std::string json = loaded.to_json();
  EXPECT_NE(json.find("\"l1\": 0.5"), std::string::npos) << json;
  EXPECT_NE(json.find("\"l2\": 0.25"), std::string::npos) << json;
}
