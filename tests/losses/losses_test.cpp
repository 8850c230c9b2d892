// keras.losses: values (Keras docstring numbers and double-precision references), reductions, sample weights,
// label smoothing, from_logits and the fused path, exact gradients (central differences), extremes, get() and the
// target/output shape messages.
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/losses/losses.hpp"
#include "losses/loss_gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::T;
using keras::test_support::expect_gradient;

namespace {

std::vector<float> values_of(const Tensor& t) { return t.to_vector(); }

std::string hint_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ValueError& e) {
    return e.hint();
  }
  return "(no ValueError)";
}

std::vector<float> softmax_rows(const std::vector<float>& x, int64_t c) {
  std::vector<float> out(x.size());
  for (size_t r = 0; r < x.size() / static_cast<size_t>(c); ++r) {
    double mx = -1e300, s = 0;
    for (int64_t j = 0; j < c; ++j) mx = std::max(mx, static_cast<double>(x[r * c + j]));
    for (int64_t j = 0; j < c; ++j) s += std::exp(x[r * c + j] - mx);
    for (int64_t j = 0; j < c; ++j) out[r * c + j] = static_cast<float>(std::exp(x[r * c + j] - mx) / s);
  }
  return out;
}

// Inputs away from every kink and clip boundary.
const Tensor kTrue = T({0.5f, -1.2f, 2.0f, 0.1f, 1.5f, -0.3f, 0.8f, 2.2f, -2.0f, 0.9f, 0.4f, -0.7f}, {4, 3});
const Tensor kPred = T({1.1f, -0.4f, 0.5f, -0.6f, 2.3f, 1.7f, 0.2f, 1.0f, -0.8f, 3.1f, -0.6f, 0.2f}, {4, 3});
const Tensor kPosTrue = T({0.5f, 1.2f, 2.0f, 0.1f, 1.5f, 0.3f, 0.8f, 2.2f, 3.0f, 0.9f, 0.4f, 0.7f}, {4, 3});
const Tensor kPosPred = T({1.1f, 0.4f, 0.5f, 0.6f, 2.3f, 1.7f, 0.2f, 1.0f, 0.8f, 3.1f, 0.6f, 0.2f}, {4, 3});
const Tensor kProbTrue = T({0.1f, 0.6f, 0.3f, 0.8f, 0.1f, 0.1f, 0.2f, 0.2f, 0.6f, 0.3f, 0.3f, 0.4f}, {4, 3});
const Tensor kProbPred = T({0.2f, 0.5f, 0.3f, 0.6f, 0.3f, 0.1f, 0.25f, 0.15f, 0.6f, 0.1f, 0.7f, 0.2f}, {4, 3});
const Tensor kBinTrue = T({0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1}, {4, 3});
const Tensor kOneHot = T({0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0}, {4, 3});
const Tensor kLabels = T({1, 0, 2, 1}, {4});
const Tensor kLogits = T({1.0f, 2.5f, -0.5f, 0.3f, -1.2f, 2.0f, -0.7f, 0.1f, 1.4f, 3.0f, -2.0f, 0.5f}, {4, 3});
const Tensor kWeights = T({0.5f, 1.0f, 2.0f, 0.0f}, {4});

// mean over the last axis of f(t, p) for (4, 3) inputs.
std::vector<double> rowwise(const Tensor& t, const Tensor& p, const std::function<double(double, double)>& f,
                            bool sum = false) {
  std::vector<double> out;
  for (int64_t r = 0; r < 4; ++r) {
    double s = 0;
    for (int64_t j = 0; j < 3; ++j) s += f(t.data()[r * 3 + j], p.data()[r * 3 + j]);
    out.push_back(sum ? s : s / 3.0);
  }
  return out;
}

double avg(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

void expect_loss_values(const losses::LossFunctionWrapper& loss, const Tensor& t, const Tensor& p,
                        const std::vector<double>& want, double tol = 1e-5) {
  std::vector<float> got = values_of(loss.compute_values(t, p));
  ASSERT_EQ(got.size(), want.size()) << loss.name();
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << loss.name() << " value " << i;
  EXPECT_NEAR(loss(t, p), avg(want), tol) << loss.name();
}

}  // namespace

// ---- values -------------------------------------------------------------------------------------------------------

TEST(LossValues, KerasDocstringCrossentropies) {
  Tensor yt = T({0, 1, 0, 0, 0, 1}, {2, 3});
  Tensor yp = T({0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f}, {2, 3});
  losses::CategoricalCrossentropy cce;
  EXPECT_NEAR(cce(yt, yp), 1.177, 1e-3);
  EXPECT_NEAR(cce(yt, yp, T({0.3f, 0.7f}, {2})), 0.814, 1e-3);
  EXPECT_NEAR(losses::CategoricalCrossentropy(reduction = "sum")(yt, yp), 2.354, 1e-3);
  std::vector<float> none = values_of(cce.compute_values(yt, yp));
  EXPECT_NEAR(none[0], 0.0513, 1e-4);
  EXPECT_NEAR(none[1], 2.303, 1e-3);
  // reduction=None: call() gives the sum of the unreduced losses.
  EXPECT_NEAR(losses::CategoricalCrossentropy(reduction = None)(yt, yp), 2.354, 1e-3);

  losses::SparseCategoricalCrossentropy scce;
  EXPECT_NEAR(scce(T({1, 2}, {2}), yp), 1.177, 1e-3);
  EXPECT_NEAR(scce(T({1, 2}, {2}), yp, T({0.3f, 0.7f}, {2})), 0.814, 1e-3);
  EXPECT_NEAR(scce(T({1, 2}, {2, 1}), yp), 1.177, 1e-3);  // a trailing axis of 1 is squeezed

  Tensor bt = T({0, 1, 0, 0}, {2, 2});
  Tensor bl = T({-18.6f, 0.51f, 2.94f, -12.8f}, {2, 2});
  losses::BinaryCrossentropy bce_logits(from_logits = true);
  EXPECT_NEAR(bce_logits(bt, bl), 0.8654, 1e-3);
  EXPECT_NEAR(bce_logits(bt, bl, T({0.8f, 0.2f}, {2})), 0.243, 1e-3);
  EXPECT_NEAR(losses::BinaryCrossentropy(from_logits = true, reduction = "sum")(bt, bl), 1.730, 1e-3);
  std::vector<float> bn = values_of(bce_logits.compute_values(bt, bl));
  EXPECT_NEAR(bn[0], 0.235, 1e-3);
  EXPECT_NEAR(bn[1], 1.496, 1e-3);
  EXPECT_NEAR(bce_logits(T({0, 1, 0, 0}, {4}), T({-18.6f, 0.51f, 2.94f, -12.8f}, {4})), 0.8654, 1e-3);
  std::vector<float> bp =
      values_of(losses::BinaryCrossentropy().compute_values(bt, T({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2})));
  EXPECT_NEAR(bp[0], 0.916, 1e-3);
  EXPECT_NEAR(bp[1], 0.714, 1e-3);
}

TEST(LossValues, KerasDocstringFocal) {
  Tensor t1 = T({0, 1, 0, 0}, {4});
  Tensor p1 = T({-18.6f, 0.51f, 2.94f, -12.8f}, {4});
  EXPECT_NEAR(losses::BinaryFocalCrossentropy(kw::gamma = 2.0, from_logits = true)(t1, p1), 0.691, 1e-3);
  EXPECT_NEAR(losses::BinaryFocalCrossentropy(apply_class_balancing = true, kw::gamma = 2.0, from_logits = true)(t1, p1),
              0.51, 1e-2);
  Tensor t2 = T({0, 1, 0, 0}, {2, 2});
  Tensor p2 = T({-18.6f, 0.51f, 2.94f, -12.8f}, {2, 2});
  EXPECT_NEAR(losses::BinaryFocalCrossentropy(kw::gamma = 3.0, from_logits = true)(t2, p2), 0.647, 1e-3);
  EXPECT_NEAR(losses::BinaryFocalCrossentropy(true, kw::gamma = 3.0, from_logits = true)(t2, p2), 0.482, 1e-3);
  Tensor sw = T({0.8f, 0.2f}, {2});
  EXPECT_NEAR(losses::BinaryFocalCrossentropy(kw::gamma = 3.0, from_logits = true)(t2, p2, sw), 0.133, 1e-3);
  EXPECT_NEAR(losses::BinaryFocalCrossentropy(true, kw::gamma = 3.0, from_logits = true)(t2, p2, sw), 0.097, 1e-3);
  EXPECT_NEAR(losses::BinaryFocalCrossentropy(kw::gamma = 4.0, from_logits = true, reduction = "sum")(t2, p2), 1.222,
              1e-3);
  EXPECT_NEAR(losses::BinaryFocalCrossentropy(true, kw::gamma = 4.0, from_logits = true, reduction = "sum")(t2, p2), 0.914,
              1e-3);
  std::vector<float> v5 = values_of(losses::BinaryFocalCrossentropy(kw::gamma = 5.0, from_logits = true).compute_values(t2, p2));
  EXPECT_NEAR(v5[0], 0.0017, 1e-4);
  EXPECT_NEAR(v5[1], 1.1561, 1e-3);
  std::vector<float> vp = values_of(
      losses::BinaryFocalCrossentropy(kw::gamma = 2.0).compute_values(t2, T({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2})));
  EXPECT_NEAR(vp[0], 0.330, 1e-3);
  EXPECT_NEAR(vp[1], 0.206, 1e-3);
}

TEST(LossValues, KerasDocstringRegression) {
  EXPECT_NEAR(losses::Huber()(T({0, 1, 0, 0}, {2, 2}), T({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2})), 0.155, 1e-3);
  EXPECT_NEAR(losses::LogCosh()(T({0, 1, 0, 0}, {2, 2}), T({1, 1, 0, 0}, {2, 2})), 0.108, 1e-3);
  std::vector<float> cs = values_of(losses::CosineSimilarity(axis = -1).compute_values(
      T({0, 1, 1, 1, 1, 1}, {3, 2}), T({1, 0, 1, 1, -1, -1}, {3, 2})));
  EXPECT_NEAR(cs[0], 0.0, 1e-6);
  EXPECT_NEAR(cs[1], -1.0, 1e-6);
  EXPECT_NEAR(cs[2], 1.0, 1e-6);
}

TEST(LossValues, DoubleReferences) {
  expect_loss_values(losses::MeanSquaredError(), kTrue, kPred, rowwise(kTrue, kPred, [](double t, double p) {
                       return (t - p) * (t - p);
                     }));
  expect_loss_values(losses::MeanAbsoluteError(), kTrue, kPred,
                     rowwise(kTrue, kPred, [](double t, double p) { return std::abs(t - p); }));
  expect_loss_values(losses::MeanAbsolutePercentageError(), kTrue, kPred,
                     rowwise(kTrue, kPred, [](double t, double p) { return 100 * std::abs((t - p) / t); }), 1e-3);
  expect_loss_values(losses::MeanSquaredLogarithmicError(), kPosTrue, kPosPred,
                     rowwise(kPosTrue, kPosPred, [](double t, double p) {
                       return std::pow(std::log(p + 1) - std::log(t + 1), 2);
                     }));
  expect_loss_values(losses::Huber(delta = 1.0), kTrue, kPred, rowwise(kTrue, kPred, [](double t, double p) {
                       double e = std::abs(p - t);
                       return e <= 1 ? 0.5 * e * e : e - 0.5;
                     }));
  expect_loss_values(losses::Huber(0.5), kTrue, kPred, rowwise(kTrue, kPred, [](double t, double p) {
                       double e = std::abs(p - t);
                       return e <= 0.5 ? 0.5 * e * e : 0.5 * e - 0.125;
                     }));
  expect_loss_values(losses::LogCosh(), kTrue, kPred,
                     rowwise(kTrue, kPred, [](double t, double p) { return std::log(std::cosh(p - t)); }));
  expect_loss_values(losses::Poisson(), kPosTrue, kPosPred,
                     rowwise(kPosTrue, kPosPred, [](double t, double p) { return p - t * std::log(p + 1e-7); }));
  expect_loss_values(losses::KLDivergence(), kProbTrue, kProbPred,
                     rowwise(kProbTrue, kProbPred, [](double t, double p) { return t * std::log(t / p); }, true));
  // Hinge losses: 0/1 targets become -1/1.
  expect_loss_values(losses::Hinge(), kBinTrue, kPred, rowwise(kBinTrue, kPred, [](double t, double p) {
                       return std::max(1 - (2 * t - 1) * p, 0.0);
                     }));
  expect_loss_values(losses::SquaredHinge(), kBinTrue, kPred, rowwise(kBinTrue, kPred, [](double t, double p) {
                       return std::pow(std::max(1 - (2 * t - 1) * p, 0.0), 2);
                     }));
  expect_loss_values(losses::BinaryCrossentropy(), kBinTrue, kProbPred,
                     rowwise(kBinTrue, kProbPred, [](double t, double p) {
                       return -(t * std::log(p) + (1 - t) * std::log(1 - p));
                     }));
  // Categorical: p normalised by its row sum first.
  std::vector<double> cce;
  for (int r = 0; r < 4; ++r) {
    double s = 0, v = 0;
    for (int j = 0; j < 3; ++j) s += kPosPred.data()[r * 3 + j];
    for (int j = 0; j < 3; ++j) v -= kOneHot.data()[r * 3 + j] * std::log(kPosPred.data()[r * 3 + j] / s);
    cce.push_back(v);
  }
  expect_loss_values(losses::CategoricalCrossentropy(), kOneHot, kPosPred, cce);
  expect_loss_values(losses::SparseCategoricalCrossentropy(), kLabels, kPosPred, cce);
  std::vector<double> ch;
  for (int r = 0; r < 4; ++r) {
    double pos = 0, neg = -1e300;
    for (int j = 0; j < 3; ++j) {
      pos += kOneHot.data()[r * 3 + j] * kPred.data()[r * 3 + j];
      neg = std::max(neg, static_cast<double>((1 - kOneHot.data()[r * 3 + j]) * kPred.data()[r * 3 + j]));
    }
    ch.push_back(std::max(neg - pos + 1, 0.0));
  }
  expect_loss_values(losses::CategoricalHinge(), kOneHot, kPred, ch);
}

TEST(LossValues, Reductions) {
  losses::MeanSquaredError m;
  std::vector<double> v = rowwise(kTrue, kPred, [](double t, double p) { return (t - p) * (t - p); });
  double sum = 0, wsum = 0, w = 0;
  for (int i = 0; i < 4; ++i) {
    sum += v[i];
    wsum += v[i] * kWeights.data()[i];
    w += kWeights.data()[i];
  }
  EXPECT_NEAR(m(kTrue, kPred), sum / 4, 1e-6);
  EXPECT_NEAR(m(kTrue, kPred, kWeights), wsum / 4, 1e-6);  // divided by the number of values, not the weights
  EXPECT_NEAR(losses::MeanSquaredError(reduction = "sum")(kTrue, kPred, kWeights), wsum, 1e-6);
  EXPECT_NEAR(losses::MeanSquaredError(reduction = "mean")(kTrue, kPred, kWeights), wsum / 4, 1e-6);
  EXPECT_NEAR(losses::MeanSquaredError(reduction = "mean_with_sample_weight")(kTrue, kPred, kWeights), wsum / w, 1e-6);
  EXPECT_NEAR(losses::MeanSquaredError(reduction = "mean_with_sample_weight")(kTrue, kPred), sum / 4, 1e-6);
  EXPECT_EQ(m.reduction(), "sum_over_batch_size");
  EXPECT_EQ(losses::MeanSquaredError(reduction = None).reduction(), "none");
  std::string msg = message_of([] { losses::MeanSquaredError(reduction = "avg"); });
  EXPECT_NE(msg.find("Invalid value for argument `reduction`."), std::string::npos) << msg;
  EXPECT_NE(msg.find("Received: reduction=avg"), std::string::npos) << msg;
}

TEST(LossValues, SampleWeightOverTimeSteps) {
  // Per-sample weights multiply every loss value of their sample; the mean is over all values.
  Tensor t = T({0, 1, 1, 0, 1, 1}, {2, 3, 1});
  Tensor p = T({0.5f, 0.5f, 0.5f, 1.0f, 1.0f, 1.0f}, {2, 3, 1});
  losses::MeanSquaredError m;
  EXPECT_EQ(m.compute_values(t, p).dims(), (std::vector<int64_t>{2, 3}));
  double want = (0.25 * 3 * 1.0 + (1 + 0 + 0) * 3.0) / 6.0;
  EXPECT_NEAR(m(t, p, T({1.0f, 3.0f}, {2})), want, 1e-6);
}

TEST(LossValues, ScalarLossOfRankOneArrays) {
  // Both rank 1: the mean over the last axis is a scalar, which Keras returns as is.
  losses::MeanSquaredError m;
  Tensor t = T({1, 2, 3}, {3}), p = T({1, 3, 5}, {3});
  EXPECT_EQ(m.compute_values(t, p).ndim(), 0);
  EXPECT_NEAR(m(t, p), 5.0 / 3.0, 1e-6);
  // (batch,) targets against (batch, 1) outputs: targets get the trailing axis.
  EXPECT_NEAR(m(t, T({1, 3, 5}, {3, 1})), 5.0 / 3.0, 1e-6);
  EXPECT_EQ(m.compute_values(t, T({1, 3, 5}, {3, 1})).dims(), (std::vector<int64_t>{3}));
}

TEST(LossValues, LabelSmoothing) {
  double ls = 0.1;
  losses::CategoricalCrossentropy cce(label_smoothing = ls);
  std::vector<double> want;
  for (int r = 0; r < 4; ++r) {
    double s = 0, v = 0;
    for (int j = 0; j < 3; ++j) s += kPosPred.data()[r * 3 + j];
    for (int j = 0; j < 3; ++j) {
      double y = kOneHot.data()[r * 3 + j] * (1 - ls) + ls / 3;
      v -= y * std::log(kPosPred.data()[r * 3 + j] / s);
    }
    want.push_back(v);
  }
  expect_loss_values(cce, kOneHot, kPosPred, want);
  expect_loss_values(losses::BinaryCrossentropy(label_smoothing = 0.2), kBinTrue, kProbPred,
                     rowwise(kBinTrue, kProbPred, [](double t, double p) {
                       double y = t * 0.8 + 0.1;
                       return -(y * std::log(p) + (1 - y) * std::log(1 - p));
                     }));
  EXPECT_NE(message_of([] { losses::CategoricalCrossentropy(label_smoothing = 1.5); }).find("label_smoothing"),
            std::string::npos);
}

TEST(LossValues, IgnoreClass) {
  losses::SparseCategoricalCrossentropy scce(ignore_class = 255);
  Tensor labels = T({1, 255, 2, 0}, {4});
  std::vector<float> v = values_of(scce.compute_values(labels, kPosPred));
  EXPECT_EQ(v[1], 0.0f);
  // The mean is over the valid entries only.
  EXPECT_NEAR(scce(labels, kPosPred), (v[0] + v[2] + v[3]) / 3.0, 1e-6);
  Tensor g;
  scce.call(labels, kPosPred, nullptr, &g);
  for (int j = 0; j < 3; ++j) EXPECT_EQ(g.data()[3 + j], 0.0f);
  expect_gradient(scce, labels, kPosPred);
}

TEST(LossValues, FromLogitsMatchesProbabilities) {
  Tensor probs = T(softmax_rows(kLogits.to_vector(), 3), {4, 3});
  losses::CategoricalCrossentropy cce, cce_logits(from_logits = true);
  EXPECT_NEAR(cce_logits(kOneHot, kLogits), cce(kOneHot, probs), 1e-5);
  EXPECT_NEAR(cce.call_from_logits(kOneHot, kLogits, nullptr, nullptr), cce(kOneHot, probs), 1e-5);
  losses::SparseCategoricalCrossentropy scce, scce_logits(true);
  EXPECT_NEAR(scce_logits(kLabels, kLogits), scce(kLabels, probs), 1e-5);
  EXPECT_NEAR(scce.call_from_logits(kLabels, kLogits, &kWeights, nullptr), scce(kLabels, probs, kWeights), 1e-5);
  std::vector<float> sig;
  for (float x : kLogits.to_vector()) sig.push_back(1.0f / (1.0f + std::exp(-x)));
  losses::BinaryCrossentropy bce, bce_logits(from_logits = true);
  EXPECT_NEAR(bce_logits(kBinTrue, kLogits), bce(kBinTrue, T(sig, {4, 3})), 1e-5);
  EXPECT_NEAR(bce.call_from_logits(kBinTrue, kLogits, nullptr, nullptr), bce(kBinTrue, T(sig, {4, 3})), 1e-5);

  // The fused gradient is softmax - onehot (sigmoid - y), divided as the reduction divides.
  Tensor g;
  cce.call_from_logits(kOneHot, kLogits, nullptr, &g);
  for (int i = 0; i < 12; ++i) EXPECT_NEAR(g.data()[i], (probs.data()[i] - kOneHot.data()[i]) / 4.0, 1e-6);
  bce.call_from_logits(kBinTrue, kLogits, nullptr, &g);
  for (int i = 0; i < 12; ++i) EXPECT_NEAR(g.data()[i], (sig[i] - kBinTrue.data()[i]) / 12.0, 1e-6);

  EXPECT_EQ(cce.fusable_activation(), "softmax");
  EXPECT_EQ(scce.fusable_activation(), "softmax");
  EXPECT_EQ(bce.fusable_activation(), "sigmoid");
  EXPECT_EQ(cce_logits.fusable_activation(), "");
  EXPECT_EQ(bce_logits.fusable_activation(), "");
  EXPECT_EQ(losses::MeanSquaredError().fusable_activation(), "");
  EXPECT_EQ(losses::BinaryFocalCrossentropy().fusable_activation(), "");
}

TEST(LossValues, ExtremesStayFinite) {
  Tensor t = T({0, 1, 1, 0}, {2, 2});
  Tensor p = T({0, 1, 0, 1}, {2, 2});  // certain and right, certain and wrong
  for (const losses::LossFunctionWrapper& l :
       std::vector<losses::LossFunctionWrapper>{losses::BinaryCrossentropy(), losses::BinaryFocalCrossentropy(),
                                                losses::KLDivergence(), losses::Poisson(),
                                                losses::MeanSquaredLogarithmicError()}) {
    Tensor g;
    double v = l.call(t, p, nullptr, &g);
    EXPECT_TRUE(std::isfinite(v)) << l.name();
    for (float x : g.to_vector()) EXPECT_TRUE(std::isfinite(x)) << l.name();
  }
  // Binary cross-entropy of a certain mistake: -log(1e-7) per value (float32's 1 - 1e-7 on the other side).
  EXPECT_NEAR(losses::BinaryCrossentropy()(T({1}, {1, 1}), T({0}, {1, 1})), -std::log(1e-7), 1e-3);
  Tensor onehot = T({0, 1, 0, 1, 0, 0}, {2, 3});
  Tensor probs = T({0, 1, 0, 0, 0.5f, 0.5f}, {2, 3});
  EXPECT_TRUE(std::isfinite(losses::CategoricalCrossentropy()(onehot, probs)));
  EXPECT_TRUE(std::isfinite(losses::SparseCategoricalCrossentropy()(T({1, 0}, {2}), probs)));

  Tensor big = T({100, -100, 0, -100, 100, 0}, {2, 3});
  losses::CategoricalCrossentropy cce;
  losses::SparseCategoricalCrossentropy scce;
  losses::BinaryCrossentropy bce;
  Tensor g;
  double v = cce.call_from_logits(onehot, big, nullptr, &g);
  EXPECT_NEAR(v, 200.0, 1e-4);
  for (float x : g.to_vector()) EXPECT_TRUE(std::isfinite(x));
  EXPECT_TRUE(std::isfinite(losses::CategoricalCrossentropy(from_logits = true)(onehot, big)));
  EXPECT_TRUE(std::isfinite(scce.call_from_logits(T({1, 0}, {2}), big, nullptr, &g)));
  v = bce.call_from_logits(T({1, 0, 0, 1, 1, 0}, {2, 3}), big, nullptr, &g);
  EXPECT_NEAR(v, (0 + 0 + std::log(2.0) + 100 + 0 + std::log(2.0)) / 6.0, 1e-4);
  for (float x : g.to_vector()) EXPECT_TRUE(std::isfinite(x));
  EXPECT_TRUE(std::isfinite(losses::BinaryCrossentropy(from_logits = true)(T({1, 0, 0, 1, 1, 0}, {2, 3}), big)));
  EXPECT_TRUE(std::isfinite(losses::BinaryFocalCrossentropy(from_logits = true)(T({1, 0, 0, 1, 1, 0}, {2, 3}), big)));
  // Clipped probabilities have a zero gradient, as the gradient of clip has.
  bce.call(T({1}, {1, 1}), T({0}, {1, 1}), nullptr, &g);
  EXPECT_EQ(g.data()[0], 0.0f);
}

// ---- gradients ----------------------------------------------------------------------------------------------------

TEST(LossGradients, EveryLossMatchesCentralDifferences) {
  expect_gradient(losses::MeanSquaredError(), kTrue, kPred);
  expect_gradient(losses::MeanAbsoluteError(), kTrue, kPred);
  expect_gradient(losses::MeanAbsolutePercentageError(), kTrue, kPred);
  expect_gradient(losses::MeanSquaredLogarithmicError(), kPosTrue, kPosPred);
  expect_gradient(losses::Huber(), kTrue, kPred);
  expect_gradient(losses::Huber(delta = 0.4), kTrue, kPred);
  expect_gradient(losses::LogCosh(), kTrue, kPred);
  expect_gradient(losses::Hinge(), kBinTrue, kPred);
  expect_gradient(losses::SquaredHinge(), kBinTrue, kPred);
  expect_gradient(losses::CategoricalHinge(), kOneHot, kPred);
  expect_gradient(losses::Poisson(), kPosTrue, kPosPred);
  expect_gradient(losses::KLDivergence(), kProbTrue, kProbPred);
  expect_gradient(losses::CosineSimilarity(), kTrue, kPred);
  expect_gradient(losses::CosineSimilarity(axis = 0), kTrue, kPred);
  expect_gradient(losses::BinaryCrossentropy(), kBinTrue, kProbPred);
  expect_gradient(losses::BinaryCrossentropy(label_smoothing = 0.1), kBinTrue, kProbPred);
  expect_gradient(losses::BinaryCrossentropy(axis = 0), kBinTrue, kProbPred);
  expect_gradient(losses::BinaryCrossentropy(from_logits = true), kBinTrue, kLogits);
  expect_gradient(losses::BinaryFocalCrossentropy(), kBinTrue, kProbPred);
  expect_gradient(losses::BinaryFocalCrossentropy(apply_class_balancing = true, kw::gamma = 3.0, label_smoothing = 0.1),
                  kBinTrue, kProbPred);
  expect_gradient(losses::BinaryFocalCrossentropy(from_logits = true), kBinTrue, kLogits);
  expect_gradient(losses::CategoricalCrossentropy(), kOneHot, kPosPred);
  expect_gradient(losses::CategoricalCrossentropy(), kProbTrue, kProbPred);  // soft targets
  expect_gradient(losses::CategoricalCrossentropy(label_smoothing = 0.2), kOneHot, kPosPred);
  expect_gradient(losses::CategoricalCrossentropy(axis = 0), kOneHot, kPosPred);
  expect_gradient(losses::CategoricalCrossentropy(from_logits = true), kOneHot, kLogits);
  expect_gradient(losses::SparseCategoricalCrossentropy(), kLabels, kPosPred);
  expect_gradient(losses::SparseCategoricalCrossentropy(from_logits = true), kLabels, kLogits);
}

TEST(LossGradients, WithSampleWeightsAndReductions) {
  for (const char* r : {"sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"}) {
    expect_gradient(losses::MeanSquaredError(reduction = r), kTrue, kPred, &kWeights);
    expect_gradient(losses::CategoricalCrossentropy(reduction = r), kOneHot, kPosPred, &kWeights);
    expect_gradient(losses::SparseCategoricalCrossentropy(reduction = r), kLabels, kLogits, &kWeights, true);
  }
}

TEST(LossGradients, FusedPathMatchesCentralDifferences) {
  expect_gradient(losses::CategoricalCrossentropy(), kOneHot, kLogits, nullptr, true);
  expect_gradient(losses::CategoricalCrossentropy(label_smoothing = 0.1), kOneHot, kLogits, &kWeights, true);
  expect_gradient(losses::SparseCategoricalCrossentropy(), kLabels, kLogits, nullptr, true);
  expect_gradient(losses::SparseCategoricalCrossentropy(), kLabels.reshape({4, 1}), kLogits, &kWeights, true);
  expect_gradient(losses::BinaryCrossentropy(), kBinTrue, kLogits, nullptr, true);
  expect_gradient(losses::BinaryCrossentropy(label_smoothing = 0.2), kBinTrue, kLogits, &kWeights, true);
  // Broadcast targets: (4, 1) against (4, 3) outputs sums the gradient back correctly.
  expect_gradient(losses::MeanSquaredError(), T({1, 2, 3, 4}, {4, 1}), kPred);
  expect_gradient(losses::MeanSquaredError(), kPred, T({1, 2, 3, 4}, {4, 1}));
  // A squeezed output: (4, 1) outputs against (4,) targets keep their shape in the gradient.
  expect_gradient(losses::BinaryCrossentropy(), T({0, 1, 1, 0}, {4}), T({0.3f, 0.8f, 0.4f, 0.1f}, {4, 1}));
  expect_gradient(losses::BinaryCrossentropy(), T({0, 1, 1, 0}, {4}), T({-0.3f, 0.8f, 1.4f, -2.1f}, {4, 1}), nullptr,
                  true);
}

// ---- construction, get --------------------------------------------------------------------------------------------

TEST(LossGet, NamesAliasesAndObjects) {
  EXPECT_EQ(losses::MeanSquaredError().name(), "mean_squared_error");
  EXPECT_EQ(losses::Huber().name(), "huber_loss");
  EXPECT_EQ(losses::LogCosh().name(), "log_cosh");
  EXPECT_EQ(losses::KLDivergence().name(), "kl_divergence");
  EXPECT_EQ(losses::BinaryFocalCrossentropy().name(), "binary_focal_crossentropy");
  EXPECT_EQ(losses::Huber(name = "h").name(), "h");

  struct Case {
    const char* id;
    const char* type;
  };
  auto type_of = [](const losses::Loss& l) -> std::string {
    if (dynamic_cast<const losses::MeanSquaredError*>(&l)) return "MeanSquaredError";
    if (dynamic_cast<const losses::MeanAbsoluteError*>(&l)) return "MeanAbsoluteError";
    if (dynamic_cast<const losses::MeanAbsolutePercentageError*>(&l)) return "MeanAbsolutePercentageError";
    if (dynamic_cast<const losses::MeanSquaredLogarithmicError*>(&l)) return "MeanSquaredLogarithmicError";
    if (dynamic_cast<const losses::BinaryCrossentropy*>(&l)) return "BinaryCrossentropy";
    if (dynamic_cast<const losses::KLDivergence*>(&l)) return "KLDivergence";
    if (dynamic_cast<const losses::Huber*>(&l)) return "Huber";
    if (dynamic_cast<const losses::SparseCategoricalCrossentropy*>(&l)) return "SparseCategoricalCrossentropy";
    if (dynamic_cast<const losses::CategoricalCrossentropy*>(&l)) return "CategoricalCrossentropy";
    if (dynamic_cast<const losses::LogCosh*>(&l)) return "LogCosh";
    return "?";
  };
  for (Case c : {Case{"mse", "MeanSquaredError"}, Case{"MSE", "MeanSquaredError"},
                 Case{"mean_squared_error", "MeanSquaredError"}, Case{"mae", "MeanAbsoluteError"},
                 Case{"mape", "MeanAbsolutePercentageError"}, Case{"msle", "MeanSquaredLogarithmicError"},
                 Case{"bce", "BinaryCrossentropy"}, Case{"binary_crossentropy", "BinaryCrossentropy"},
                 Case{"kld", "KLDivergence"}, Case{"kl_divergence", "KLDivergence"}, Case{"huber", "Huber"},
                 Case{"log_cosh", "LogCosh"}, Case{"categorical_crossentropy", "CategoricalCrossentropy"},
                 Case{"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"},
                 Case{"SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy"}}) {
    auto l = losses::get(c.id);
    EXPECT_EQ(type_of(*l), c.type) << c.id;
  }
  // A function name keeps the identifier as its name (compile_utils.get_loss); a class name its default name.
  EXPECT_EQ(losses::get("mse")->name(), "mse");
  EXPECT_EQ(losses::get("Huber")->name(), "huber_loss");
  // Objects pass through with their configuration.
  auto h = losses::get(losses::Huber(delta = 2.0));
  EXPECT_NEAR(h->call(T({0}, {1, 1}), T({3}, {1, 1}), nullptr, nullptr), 2.0 * 3 - 2.0, 1e-6);
  EXPECT_NEAR(losses::Huber(2.0)(T({0}, {1, 1}), T({3}, {1, 1})), 4.0, 1e-6);
  EXPECT_EQ(losses::Huber(delta = 2.0).get_config().get<double>("delta"), std::optional<double>(2.0));
  EXPECT_EQ(losses::Huber().get_config().get<std::string>("reduction"), "sum_over_batch_size");

  std::vector<std::string> n = losses::names();
  for (const char* want : {"mse", "mae", "mape", "msle", "bce", "kld", "huber", "log_cosh", "poisson", "hinge",
                           "squared_hinge", "categorical_hinge", "cosine_similarity", "binary_focal_crossentropy"})
    EXPECT_NE(std::find(n.begin(), n.end(), want), n.end()) << want;
}

TEST(LossGet, UnknownNameIsAValueError) {
  std::string msg = message_of([] { losses::get("sparse_categorical_crossentropyy"); });
  EXPECT_EQ(msg.rfind("Could not interpret loss identifier: sparse_categorical_crossentropyy", 0), 0u) << msg;
  EXPECT_NE(msg.find("did you mean \"sparse_categorical_crossentropy\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("Valid names: "), std::string::npos) << msg;
  // huber_loss is the class's default name, not an identifier (Keras 3 has no such key).
  EXPECT_NE(message_of([] { losses::get("huber_loss"); }).find("Could not interpret loss identifier"),
            std::string::npos);
}

TEST(LossGet, CrossentropyResolvesByShapes) {
  auto bin = losses::get("crossentropy", Shape{None}, Shape{None, 1});
  EXPECT_NE(dynamic_cast<const losses::BinaryCrossentropy*>(bin.get()), nullptr);
  EXPECT_EQ(bin->name(), "crossentropy");
  auto sparse = losses::get("ce", Shape{None}, Shape{None, 10});
  EXPECT_NE(dynamic_cast<const losses::SparseCategoricalCrossentropy*>(sparse.get()), nullptr);
  auto sparse1 = losses::get("ce", Shape{None, 1}, Shape{None, 10});
  EXPECT_NE(dynamic_cast<const losses::SparseCategoricalCrossentropy*>(sparse1.get()), nullptr);
  auto cat = losses::get("crossentropy", Shape{None, 10}, Shape{None, 10});
  EXPECT_NE(dynamic_cast<const losses::CategoricalCrossentropy*>(cat.get()), nullptr);
  // Without shapes: resolved at each call.
  auto deferred = losses::get("crossentropy");
  EXPECT_NEAR(deferred->call(kLabels, kPosPred, nullptr, nullptr), losses::SparseCategoricalCrossentropy()(kLabels, kPosPred),
              1e-9);
}

// ---- shape checks -------------------------------------------------------------------------------------------------

TEST(LossShapes, SparseLabelsAgainstImageOutputSuggestFlatten) {
  losses::SparseCategoricalCrossentropy scce;
  auto f = [&] { scce.check_shapes(Shape{256}, Shape{256, 28, 28, 10}); };
  EXPECT_EQ(message_of(f).rfind("Arguments `target` and `output` must have the same shape up until the last "
                                "dimension: target.shape=(256,), output.shape=(256, 28, 28, 10)",
                                0),
            0u)
      << message_of(f);
  EXPECT_EQ(hint_of(f),
            "the model's output is (None, 28, 28, 10) because Dense acts on the last axis: add layers::Flatten() "
            "before the first Dense so the output is (None, 10)");
  // The same message from call() with concrete tensors.
  EXPECT_NE(message_of([&] { scce(Tensor::zeros({2}), Tensor::ones({2, 4, 4, 10})); })
                .find("must have the same shape up until the last dimension: target.shape=(2,), "
                      "output.shape=(2, 4, 4, 10)"),
            std::string::npos);
  // Matching shapes pass, with None dims and a trailing 1 on the targets.
  scce.check_shapes(Shape{None}, Shape{None, 10});
  scce.check_shapes(Shape{32, 1}, Shape{None, 10});
  scce.check_shapes(Shape{None, 28, 28}, Shape{None, 28, 28, 10});
}

TEST(LossShapes, SparseGivenOneHotSuggestsCategorical) {
  losses::SparseCategoricalCrossentropy scce;
  auto f = [&] { scce.check_shapes(Shape{32, 10}, Shape{None, 10}); };
  EXPECT_NE(message_of(f).find("target.shape=(32, 10), output.shape=(None, 10)"), std::string::npos);
  EXPECT_NE(hint_of(f).find("loss=\"categorical_crossentropy\""), std::string::npos) << hint_of(f);
  auto g = [&] { scce.check_shapes(Shape{32, 5}, Shape{None, 10}); };
  EXPECT_NE(hint_of(g).find("as many units as classes (5, not 10)"), std::string::npos) << hint_of(g);
}

TEST(LossShapes, CategoricalGivenIntegerLabelsSuggestsSparse) {
  losses::CategoricalCrossentropy cce;
  auto rank = [&] { cce.check_shapes(Shape{32}, Shape{None, 10}); };
  EXPECT_EQ(message_of(rank).rfind("Arguments `target` and `output` must have the same rank (ndim). Received: "
                                   "target.shape=(32,), output.shape=(None, 10)",
                                   0),
            0u)
      << message_of(rank);
  EXPECT_EQ(hint_of(rank), "the labels look like integer class ids: use loss=\"sparse_categorical_crossentropy\", or "
                           "one-hot them with utils::to_categorical(y, num_classes=10)");
  auto last1 = [&] { cce.check_shapes(Shape{32, 1}, Shape{None, 10}); };
  EXPECT_EQ(message_of(last1).rfind("Arguments `target` and `output` must have the same shape. Received: "
                                    "target.shape=(32, 1), output.shape=(None, 10)",
                                    0),
            0u)
      << message_of(last1);
  EXPECT_NE(hint_of(last1).find("sparse_categorical_crossentropy"), std::string::npos);
  auto classes = [&] { cce.check_shapes(Shape{32, 5}, Shape{None, 10}); };
  EXPECT_NE(hint_of(classes).find("the last Dense layer must have as many units as there are classes"),
            std::string::npos)
      << hint_of(classes);
  auto image = [&] { cce.check_shapes(Shape{32, 10}, Shape{None, 28, 28, 10}); };
  EXPECT_NE(hint_of(image).find("add layers::Flatten() before the first Dense"), std::string::npos);
  cce.check_shapes(Shape{32, 10}, Shape{None, 10});
}

TEST(LossShapes, BinaryCrossentropy) {
  losses::BinaryCrossentropy bce;
  bce.check_shapes(Shape{32}, Shape{None, 1});  // (32,) becomes (32, 1)
  bce.check_shapes(Shape{32, 3}, Shape{None, 3});
  auto f = [&] { bce.check_shapes(Shape{32}, Shape{None, 10}); };
  EXPECT_EQ(message_of(f).rfind("Arguments `target` and `output` must have the same rank (ndim). Received: "
                                "target.shape=(32,), output.shape=(None, 10)",
                                0),
            0u);
  EXPECT_NE(hint_of(f).find("Dense(1, activation=\"sigmoid\")"), std::string::npos) << hint_of(f);
  auto g = [&] { bce.check_shapes(Shape{32, 1}, Shape{None, 10}); };
  EXPECT_EQ(message_of(g).rfind("Arguments `target` and `output` must have the same shape. Received: ", 0), 0u);
  auto img = [&] { bce.check_shapes(Shape{32}, Shape{None, 150, 150, 1}); };
  EXPECT_NE(hint_of(img).find("(None, 150, 150, 1) because Dense acts on the last axis"), std::string::npos);
}

TEST(LossShapes, ElementwiseLossesBroadcast) {
  losses::MeanSquaredError mse;
  mse.check_shapes(Shape{32}, Shape{None, 1});
  mse.check_shapes(Shape{32, 1}, Shape{None, 10});  // broadcasts, as in Keras
  mse.check_shapes(Shape{None, 3}, Shape{None, 3});
  auto f = [&] { mse.check_shapes(Shape{32, 3}, Shape{None, 5}); };
  EXPECT_EQ(message_of(f).rfind("Cannot broadcast shape, the failure dim has value 3, which cannot be broadcasted to "
                                "5. Input shapes are: [32, 3] and [None, 5].",
                                0),
            0u)
      << message_of(f);
  EXPECT_NE(hint_of(f).find("Dense(3)"), std::string::npos) << hint_of(f);
  auto img = [&] { mse.check_shapes(Shape{32, 1}, Shape{None, 28, 28, 10}); };
  EXPECT_NE(hint_of(img).find("add layers::Flatten() before the first Dense so the output is (None, 10)"),
            std::string::npos)
      << hint_of(img);
  EXPECT_NE(message_of([&] { mse(Tensor::zeros({4, 3}), Tensor::zeros({4, 2})); }).find("Cannot broadcast shape"),
            std::string::npos);
}

TEST(LossShapes, LabelOutOfRange) {
  std::string msg = message_of([] { losses::SparseCategoricalCrossentropy()(T({0, 10}, {2}), Tensor::ones({2, 10})); });
  EXPECT_EQ(msg.rfind("Received a label value of 10 which is outside the valid range of [0, 10).", 0), 0u) << msg;
}

// keraspp computes in float32: another dtype= was accepted and ignored; it is refused where it is given.
TEST(Losses, DtypeOtherThanFloat32IsRefused) {
  EXPECT_NO_THROW(losses::MeanSquaredError(dtype = "float32"));
  keras::test_support::expect_error_says([] { losses::MeanSquaredError(dtype = "float16"); },
                                         {"keraspp computes in float32; loss \"mean_squared_error\" was given "
                                          "dtype=float16.",
                                          "Hint: leave dtype unset or use dtype=\"float32\"."});
  keras::test_support::expect_error_says(
      [] { losses::SparseCategoricalCrossentropy(from_logits = true, dtype = "not_a_dtype", name = "scce"); },
      {"loss \"scce\" was given dtype=not_a_dtype."});
}
