// keras.losses.CategoricalFocalCrossentropy, Dice, Tversky and CTC: Keras's docstring numbers, references written
// out in double (CTC by enumerating every alignment), gradients against central differences, Keras's shape messages,
// get() names, and training and saving through a model.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "losses/loss_gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::expect_gradient;
using keras::test_support::message_of;
using keras::test_support::T;

namespace {
namespace fdc {

std::vector<float> values_of(const losses::LossFunctionWrapper& l, const Tensor& t, const Tensor& p) {
  return l.compute_values(t, p).to_vector();
}

// sum_j alpha (1 - q_j)^gamma * -t_j log q_j for one row, q = p / sum(p) clipped.
double focal_row(const std::vector<double>& t, const std::vector<double>& p, double alpha, double gamma) {
  double s = 0, out = 0;
  for (double x : p) s += x;
  for (size_t j = 0; j < p.size(); ++j) {
    double q = std::clamp(p[j] / s, 1e-7, 1 - 1e-7);
    out += alpha * std::pow(1 - q, gamma) * -t[j] * std::log(q);
  }
  return out;
}

// -log of the total probability of every path over `steps` steps whose collapse (merge repeats, drop blanks) is
// `labels`: the definition of CTC, for a handful of steps.
double ctc_by_enumeration(const std::vector<std::vector<double>>& logits, const std::vector<int>& labels) {
  const size_t steps = logits.size(), classes = logits[0].size();
  std::vector<std::vector<double>> prob(steps);
  for (size_t s = 0; s < steps; ++s) {
    double z = 0;
    for (double x : logits[s]) z += std::exp(x);
    for (double x : logits[s]) prob[s].push_back(std::exp(x) / z);
  }
  double total = 0;
  std::vector<size_t> path(steps, 0);
  while (true) {
    std::vector<int> collapsed;
    int prev = -1;
    double pr = 1;
    for (size_t s = 0; s < steps; ++s) {
      int k = static_cast<int>(path[s]);
      pr *= prob[s][path[s]];
      if (k != prev && k != 0) collapsed.push_back(k);
      prev = k;
    }
    if (collapsed == labels) total += pr;
    size_t i = 0;
    while (i < steps && ++path[i] == classes) path[i++] = 0;
    if (i == steps) break;
  }
  return -std::log(total);
}

}  // namespace fdc
}  // namespace

// ---- CategoricalFocalCrossentropy ---------------------------------------------------------------------------------

TEST(CategoricalFocalCrossentropy, KerasDocstringValues) {
  Tensor t = T({0, 1, 0, 0, 0, 1}, {2, 3});
  std::vector<float> v = fdc::values_of(losses::CategoricalFocalCrossentropy(), t,
                                        T({0.05f, 0.9f, 0.05f, 0.1f, 0.85f, 0.05f}, {2, 3}));
  EXPECT_NEAR(v[0], 2.63401289e-04, 1e-8);
  EXPECT_NEAR(v[1], 6.75912094e-01, 1e-6);
  Tensor p = T({0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f}, {2, 3});
  EXPECT_NEAR(losses::CategoricalFocalCrossentropy()(t, p), 0.23315276, 1e-6);
  EXPECT_NEAR(losses::CategoricalFocalCrossentropy()(t, p, T({0.3f, 0.7f}, {2})), 0.1632, 1e-4);
  EXPECT_NEAR(losses::CategoricalFocalCrossentropy(reduction = "sum")(t, p), 0.46631, 1e-5);
  EXPECT_EQ(losses::CategoricalFocalCrossentropy().name(), "categorical_focal_crossentropy");
}

TEST(CategoricalFocalCrossentropy, MatchesTheFormulaInDouble) {
  const std::vector<double> p0 = {0.2, 0.5, 0.3}, p1 = {0.6, 0.3, 0.1}, t0 = {0, 1, 0}, t1 = {0.1, 0.2, 0.7};
  Tensor t = T({0, 1, 0, 0.1f, 0.2f, 0.7f}, {2, 3}), p = T({0.2f, 0.5f, 0.3f, 0.6f, 0.3f, 0.1f}, {2, 3});
  std::vector<float> v = fdc::values_of(losses::CategoricalFocalCrossentropy(alpha = 0.5, kw::gamma = 3.0), t, p);
  EXPECT_NEAR(v[0], fdc::focal_row(t0, p0, 0.5, 3.0), 1e-6);
  EXPECT_NEAR(v[1], fdc::focal_row(t1, p1, 0.5, 3.0), 1e-6);
  // gamma 0, alpha 1: the categorical cross-entropy.
  EXPECT_NEAR(losses::CategoricalFocalCrossentropy(alpha = 1.0, kw::gamma = 0.0)(t, p),
              losses::CategoricalCrossentropy()(t, p), 1e-6);
  // From logits: softmax first.
  Tensor x = T({1.0f, 2.0f, -1.0f, 0.5f, 0.0f, 2.5f}, {2, 3});
  std::vector<double> q0, q1;
  for (int r = 0; r < 2; ++r) {
    double z = 0;
    for (int j = 0; j < 3; ++j) z += std::exp(x.data()[r * 3 + j]);
    for (int j = 0; j < 3; ++j) (r ? q1 : q0).push_back(std::exp(x.data()[r * 3 + j]) / z);
  }
  v = fdc::values_of(losses::CategoricalFocalCrossentropy(from_logits = true), t, x);
  EXPECT_NEAR(v[0], fdc::focal_row(t0, q0, 0.25, 2.0), 1e-6);
  EXPECT_NEAR(v[1], fdc::focal_row(t1, q1, 0.25, 2.0), 1e-6);
  // Label smoothing: t (1 - ls) + ls / 3.
  std::vector<double> s0 = {0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3};
  v = fdc::values_of(losses::CategoricalFocalCrossentropy(label_smoothing = 0.1), t, p);
  EXPECT_NEAR(v[0], fdc::focal_row(s0, p0, 0.25, 2.0), 1e-6);
}

TEST(CategoricalFocalCrossentropy, GradientsMatchCentralDifferences) {
  Tensor t = T({0, 1, 0, 1, 0, 0, 0.2f, 0.3f, 0.5f}, {3, 3});
  Tensor p = T({0.2f, 0.5f, 0.3f, 0.6f, 0.3f, 0.1f, 0.25f, 0.45f, 0.3f}, {3, 3});
  Tensor x = T({1.0f, 2.0f, -1.0f, 0.5f, 0.0f, 2.5f, -0.3f, 0.2f, 0.9f}, {3, 3});
  expect_gradient(losses::CategoricalFocalCrossentropy(), t, p);
  expect_gradient(losses::CategoricalFocalCrossentropy(alpha = 0.7, kw::gamma = 0.5, label_smoothing = 0.2), t, p);
  expect_gradient(losses::CategoricalFocalCrossentropy(from_logits = true), t, x);
  expect_gradient(losses::CategoricalFocalCrossentropy(axis = 0), t, p);
  Tensor w = T({0.5f, 2.0f, 1.0f}, {3});
  expect_gradient(losses::CategoricalFocalCrossentropy(kw::gamma = 1.0), t, p, &w);
  // It does not take the place of the model's softmax (Keras computes it on the probabilities).
  EXPECT_EQ(losses::CategoricalFocalCrossentropy().fusable_activation(), "");
}

// ---- Dice and Tversky ---------------------------------------------------------------------------------------------

TEST(DiceLoss, KerasDocstringValues) {
  Tensor t = T({1, 1, 0, 0, 1, 1, 0, 0}, {2, 2, 2, 1});
  Tensor p = T({0, 1, 0, 1, 0.4f, 0, 0, 0.9f}, {2, 2, 2, 1});
  std::vector<float> v = fdc::values_of(losses::Dice(axis = {1, 2, 3}), t, p);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NEAR(v[0], 0.5, 1e-6);
  EXPECT_NEAR(v[1], 0.75757575, 1e-6);
  // axis None: one value over the whole batch.
  EXPECT_EQ(losses::Dice().compute_values(t, p).dims(), std::vector<int64_t>{});
  EXPECT_NEAR(losses::Dice()(t, p), 0.6164384, 1e-6);
  EXPECT_NEAR(losses::Dice(axis = {1, 2, 3})(t, p), (0.5 + 0.75757575) / 2, 1e-6);
  // All zeros: nothing overlaps, the loss is 1.
  EXPECT_NEAR(losses::Dice()(T({0, 0}, {1, 2}), T({0, 0}, {1, 2})), 1.0, 1e-12);
  EXPECT_EQ(losses::Dice().name(), "dice");
}

TEST(TverskyLoss, FollowsKerasCode) {
  Tensor t = T({1, 1, 0, 0, 1, 0}, {2, 3}), p = T({0.9f, 0.2f, 0.6f, 0.1f, 0.7f, 0.3f}, {2, 3});
  // Keras's tversky: alpha weighs sum(t (1 - p)), beta sum(p (1 - t)).
  auto reference = [&](int row, double a, double b) {
    double inter = 0, missed = 0, extra = 0;
    for (int j = 0; j < 3; ++j) {
      double tj = t.data()[row * 3 + j], pj = p.data()[row * 3 + j];
      inter += tj * pj;
      missed += tj * (1 - pj);
      extra += pj * (1 - tj);
    }
    return 1 - inter / (inter + a * missed + b * extra + 1e-7);
  };
  std::vector<float> v = fdc::values_of(losses::Tversky(alpha = 0.3, beta = 0.7, axis = -1), t, p);
  EXPECT_NEAR(v[0], reference(0, 0.3, 0.7), 1e-6);
  EXPECT_NEAR(v[1], reference(1, 0.3, 0.7), 1e-6);
  EXPECT_NEAR(losses::Tversky(0.8, axis = 1)(t, p), (reference(0, 0.8, 0.5) + reference(1, 0.8, 0.5)) / 2, 1e-6);
  // alpha = beta = 0.5 is Dice.
  EXPECT_NEAR(losses::Tversky()(t, p), losses::Dice()(t, p), 1e-6);
  EXPECT_EQ(losses::Tversky().name(), "tversky");
}

TEST(DiceLoss, GradientsMatchCentralDifferences) {
  Tensor t = T({1, 1, 0, 0, 1, 0, 0.5f, 1, 0, 1, 0, 1}, {2, 3, 2});
  Tensor p = T({0.9f, 0.2f, 0.6f, 0.1f, 0.7f, 0.3f, 0.4f, 0.8f, 0.2f, 0.5f, 0.35f, 0.65f}, {2, 3, 2});
  expect_gradient(losses::Dice(), t, p);
  expect_gradient(losses::Dice(axis = {1, 2}), t, p);
  expect_gradient(losses::Dice(axis = 1), t, p);
  expect_gradient(losses::Tversky(alpha = 0.3, beta = 0.7), t, p);
  expect_gradient(losses::Tversky(alpha = 0.9, beta = 0.2, axis = {1, 2}), t, p);
  Tensor w = T({0.25f, 2.0f}, {2});
  expect_gradient(losses::Dice(axis = {1, 2}), t, p, &w);
  expect_gradient(losses::Dice(), t, p, &w);
}

TEST(DiceLoss, ShapeErrors) {
  EXPECT_NE(message_of([] { losses::Dice()(T({1, 0, 1}, {1, 3}), T({1, 0}, {1, 2})); })
                .find("Cannot broadcast shape"),
            std::string::npos);
  std::string m = message_of([] { losses::Dice(axis = {1, 4})(T({1, 0, 1}, {1, 3}), T({1, 0, 1}, {1, 3})); });
  EXPECT_NE(m.find("Axis 4 is out of bounds for array of dimension 2"), std::string::npos) << m;
}

// ---- CTC ----------------------------------------------------------------------------------------------------------

TEST(CTCLoss, EqualsTheSumOverEveryAlignment) {
  // 2 sequences of 4 steps over 4 classes (blank 0): labels [1, 2] and [3, 3] (a repeat needs a blank between).
  const std::vector<float> x = {0.3f,  -0.2f, 1.1f, 0.4f,  -0.5f, 0.8f,  0.2f, -1.0f, 1.2f, 0.1f, -0.3f,
                                0.6f,  0.0f,  0.5f, -0.7f, 0.9f,  -0.1f, 0.4f, 0.7f,  1.5f, 0.6f, -0.8f,
                                0.2f,  1.0f,  1.3f, 0.0f,  0.1f,  0.3f,  -0.4f, 0.2f, 0.5f, 1.1f};
  Tensor logits = T(x, {2, 4, 4});
  Tensor labels = T({1, 2, 0, 3, 3, 0}, {2, 3});
  auto rows = [&](int b) {
    std::vector<std::vector<double>> r(4, std::vector<double>(4));
    for (int s = 0; s < 4; ++s)
      for (int k = 0; k < 4; ++k) r[s][k] = x[(b * 4 + s) * 4 + k];
    return r;
  };
  std::vector<float> v = fdc::values_of(losses::CTC(), labels, logits);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NEAR(v[0], fdc::ctc_by_enumeration(rows(0), {1, 2}), 1e-5);
  EXPECT_NEAR(v[1], fdc::ctc_by_enumeration(rows(1), {3, 3}), 1e-5);
  // Empty and one-label rows.
  v = fdc::values_of(losses::CTC(), T({0, 0, 0, 2, 0, 0}, {2, 3}), logits);
  EXPECT_NEAR(v[0], fdc::ctc_by_enumeration(rows(0), {}), 1e-5);
  EXPECT_NEAR(v[1], fdc::ctc_by_enumeration(rows(1), {2}), 1e-5);
  // The default reduction: the mean over the batch.
  EXPECT_NEAR(losses::CTC()(labels, logits),
              (fdc::ctc_by_enumeration(rows(0), {1, 2}) + fdc::ctc_by_enumeration(rows(1), {3, 3})) / 2, 1e-5);
  // [3, 3, 3] needs 5 steps: no alignment in 4, +inf as TensorFlow's ctc_loss.
  v = fdc::values_of(losses::CTC(), T({3, 3, 3}, {1, 3}), T(std::vector<float>(x.begin(), x.begin() + 16), {1, 4, 4}));
  EXPECT_EQ(v[0], std::numeric_limits<float>::infinity());
  EXPECT_EQ(losses::CTC().name(), "ctc");
}

TEST(CTCLoss, GradientsMatchCentralDifferences) {
  std::vector<float> x(2 * 5 * 4);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::sin(0.7 * static_cast<double>(i) + 0.2));
  Tensor logits = T(x, {2, 5, 4});
  expect_gradient(losses::CTC(), T({1, 2, 1, 3, 3, 0}, {2, 3}), logits);
  expect_gradient(losses::CTC(), T({0, 0, 0, 2, 0, 0}, {2, 3}), logits);
  Tensor w = T({0.5f, 3.0f}, {2});
  expect_gradient(losses::CTC(), T({1, 2, 0, 3, 1, 2}, {2, 3}), logits, &w);
}

TEST(CTCLoss, KerasMessagesForShapesAndLabels) {
  Tensor logits = Tensor::zeros({2, 5, 4});
  std::string m = message_of([&] { losses::CTC()(Tensor::zeros({2, 3, 2}), logits); });
  EXPECT_NE(m.find("Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in integer "
                   "format. Received: y_true.shape=(2, 3, 2)"),
            std::string::npos)
      << m;
  m = message_of([] { losses::CTC()(Tensor::zeros({2, 3}), Tensor::zeros({2, 4})); });
  EXPECT_NE(m.find("Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, num_classes)`. "
                   "Received: y_pred.shape=(2, 4)"),
            std::string::npos)
      << m;
  m = message_of([&] { losses::CTC()(Tensor::zeros({3, 2}), logits); });
  EXPECT_NE(m.find("Arguments `target` and `output` must have the same first dimension. Received shapes: `(3, 2)` "
                   "and `(2, 5, 4)`."),
            std::string::npos)
      << m;
  m = message_of([&] { losses::CTC()(T({1, 4, 0, 1, 0, 0}, {2, 3}), logits); });
  EXPECT_NE(m.find("label value of 4 which is outside the valid range of [1, 4)"), std::string::npos) << m;
  m = message_of([&] { losses::CTC()(T({1, 0, 2, 1, 0, 0}, {2, 3}), logits); });
  EXPECT_NE(m.find("row 0 has 0 at position 1 before a nonzero label"), std::string::npos) << m;
}

// ---- get, training, saving ----------------------------------------------------------------------------------------

TEST(LossGetNewLosses, FunctionAndClassNames) {
  for (const char* n : {"categorical_focal_crossentropy", "dice", "tversky", "ctc"})
    EXPECT_EQ(losses::get(n)->name(), n);
  EXPECT_EQ(losses::get("CategoricalFocalCrossentropy")->name(), "categorical_focal_crossentropy");
  EXPECT_EQ(losses::get("Dice")->name(), "dice");
  EXPECT_EQ(losses::get("Tversky")->name(), "tversky");
  EXPECT_EQ(losses::get("CTC")->name(), "ctc");
}

TEST(CTCLoss, TrainsARecurrentModelAndSavesWithIt) {
  // Sequences of 6 steps that show symbol a for 3 steps then b for 3; the labels are [a, b] (classes 1..3, blank 0).
  utils::set_random_seed(7);
  const int64_t n = 64;
  std::vector<float> xs, ys;
  for (int64_t i = 0; i < n; ++i) {
    int64_t a = 1 + i % 3, b = 1 + (i / 3) % 3;
    for (int64_t s = 0; s < 6; ++s)
      for (int64_t k = 0; k < 4; ++k) xs.push_back(k == (s < 3 ? a : b) ? 1.0f : 0.0f);
    ys.push_back(static_cast<float>(a));
    ys.push_back(a == b ? 0.0f : static_cast<float>(b));
  }
  Tensor x = T(xs, {n, 6, 4}), y = T(ys, {n, 2});
  Sequential model({Input(shape = {6, 4}), layers::LSTM(16, return_sequences = true), layers::Dense(4)});
  model.compile(optimizer = optimizers::Adam(0.02), loss = "ctc");
  History h = model.fit(x, y, epochs = 30, batch_size = 16, verbose = 0);
  const auto& loss = h.history.at("loss");
  EXPECT_LT(loss.back(), 0.5 * loss.front());

  test_support::ScratchDir dir;
  model.save(dir / "ctc.keras");
  Model loaded = saving::load_model(dir / "ctc.keras");
  EXPECT_NEAR(loaded.evaluate(x, y, verbose = 0).at(0), model.evaluate(x, y, verbose = 0).at(0), 1e-5);
}

TEST(DiceLoss, ConfigSurvivesSaving) {
  utils::set_random_seed(3);
  Sequential model({Input(shape = {4}), layers::Dense(4, activation = "sigmoid")});
  model.compile(optimizer = "adam", loss = losses::Tversky(alpha = 0.2, beta = 0.8, axis = -1));
  Tensor x = random::normal({8, 4}), y = T({1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1,
                                             1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1}, {8, 4});
  test_support::ScratchDir dir;
  model.save(dir / "tversky.keras");
  Model loaded = saving::load_model(dir / "tversky.keras");
  const double expected = losses::Tversky(alpha = 0.2, beta = 0.8, axis = -1)(y, model.predict(x, verbose = 0));
  EXPECT_NEAR(loaded.evaluate(x, y, verbose = 0).at(0), expected, 1e-6);
  EXPECT_GT(std::abs(expected - losses::Tversky(axis = -1)(y, model.predict(x, verbose = 0))), 1e-4);
}
