// keras.metrics: streaming results on small hand-checked batches (Keras's docstring examples), sample weights,
// resolution of "accuracy" by shapes, get(), automatic names, AUC against a hand-computed curve.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/layers/layer.hpp"
#include "keras/metrics/metrics.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::T;
namespace mt = keras::metric_types;

namespace {

Tensor V(std::vector<float> v) {
  int64_t n = static_cast<int64_t>(v.size());
  return Tensor(std::move(v), {n});
}

// update_state on a fresh copy, then again after reset_state with weights: the two results.
template <class M>
std::pair<double, double> run_twice(M m, const Tensor& yt, const Tensor& yp, const Tensor& sw) {
  m.update_state(yt, yp);
  double a = m.result();
  m.reset_state();
  m.update_state(yt, yp, &sw);
  return {a, m.result()};
}

}  // namespace

TEST(MetricReduction, MeanAndSum) {
  mt::Mean m;
  EXPECT_EQ(m.name(), "mean");
  m.update_state(V({1, 3, 5, 7}));
  EXPECT_DOUBLE_EQ(m.result(), 4.0);
  m.reset_state();
  m.update_state(V({1, 3, 5, 7}), V({1, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(m.result(), 2.0);
  m.update_state(V({10}), V({2}));  // streaming: (1 + 3 + 20) / (2 + 2)
  EXPECT_DOUBLE_EQ(m.result(), 6.0);
  mt::Sum s;
  s.update_state(V({1, 3, 5, 7}));
  EXPECT_DOUBLE_EQ(s.result(), 16.0);
  s.reset_state();
  s.update_state(V({1, 3, 5, 7}), V({1, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(s.result(), 4.0);
  // Rank-2 values: the per-sample mean, then the weighted mean of the samples.
  mt::Mean m2("per_sample");
  EXPECT_EQ(m2.name(), "per_sample");
  m2.update_state(T({1, 3, 5, 7}, {2, 2}), V({1, 3}));
  EXPECT_DOUBLE_EQ(m2.result(), (2.0 * 1 + 6.0 * 3) / 4.0);
}

TEST(MetricReduction, MeanMetricWrapper) {
  mt::MeanMetricWrapper m([](const Tensor& t, const Tensor& p) { return (p - t) * (p - t); }, name = "sq");
  EXPECT_EQ(m.name(), "sq");
  m.update_state(V({1, 2}), V({2, 4}));
  EXPECT_DOUBLE_EQ(m.result(), 2.5);
  auto c = m.clone();
  EXPECT_EQ(c->name(), "sq");
  EXPECT_DOUBLE_EQ(c->result(), 0.0);  // a fresh metric
}

TEST(MetricAccuracy, KerasDocstringExamples) {
  auto a = run_twice(mt::Accuracy(), T({1, 2, 3, 4}, {4, 1}), T({0, 2, 3, 4}, {4, 1}), V({1, 1, 0, 0}));
  EXPECT_NEAR(a.first, 0.75, 1e-7);
  EXPECT_NEAR(a.second, 0.5, 1e-7);
  auto b = run_twice(mt::BinaryAccuracy(), T({1, 1, 0, 0}, {4, 1}), T({0.98f, 1, 0, 0.6f}, {4, 1}), V({1, 0, 0, 1}));
  EXPECT_NEAR(b.first, 0.75, 1e-7);
  EXPECT_NEAR(b.second, 0.5, 1e-7);
  auto c = run_twice(mt::CategoricalAccuracy(), T({0, 0, 1, 0, 1, 0}, {2, 3}),
                     T({0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0}, {2, 3}), V({0.7f, 0.3f}));
  EXPECT_NEAR(c.first, 0.5, 1e-7);
  EXPECT_NEAR(c.second, 0.3, 1e-7);
  auto s = run_twice(mt::SparseCategoricalAccuracy(), T({2, 1}, {2, 1}), T({0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0}, {2, 3}),
                     V({0.7f, 0.3f}));
  EXPECT_NEAR(s.first, 0.5, 1e-7);
  EXPECT_NEAR(s.second, 0.3, 1e-7);
  auto tk = run_twice(mt::TopKCategoricalAccuracy(k = 1), T({0, 0, 1, 0, 1, 0}, {2, 3}),
                      T({0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0}, {2, 3}), V({0.7f, 0.3f}));
  EXPECT_NEAR(tk.first, 0.5, 1e-7);
  EXPECT_NEAR(tk.second, 0.3, 1e-7);
  auto stk = run_twice(mt::SparseTopKCategoricalAccuracy(1), V({2, 1}), T({0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0}, {2, 3}),
                       V({0.7f, 0.3f}));
  EXPECT_NEAR(stk.first, 0.5, 1e-7);
  EXPECT_NEAR(stk.second, 0.3, 1e-7);
  // k=2: both targets are among the two highest.
  mt::SparseTopKCategoricalAccuracy k2(2);
  k2.update_state(V({2, 1}), T({0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0}, {2, 3}));
  EXPECT_DOUBLE_EQ(k2.result(), 1.0);
  EXPECT_EQ(mt::TopKCategoricalAccuracy().name(), "top_k_categorical_accuracy");
  EXPECT_EQ(mt::SparseTopKCategoricalAccuracy().name(), "sparse_top_k_categorical_accuracy");
}

TEST(MetricAccuracy, StreamingOverBatches) {
  mt::SparseCategoricalAccuracy m;
  m.update_state(V({0, 1}), T({0.9f, 0.1f, 0.2f, 0.8f}, {2, 2}));  // 2 of 2
  m.update_state(V({0, 1, 1}), T({0.1f, 0.9f, 0.6f, 0.4f, 0.3f, 0.7f}, {3, 2}));  // 1 of 3
  EXPECT_DOUBLE_EQ(m.result(), 3.0 / 5.0);
  mt::BinaryAccuracy b(threshold = 0.7);
  b.update_state(V({1, 0, 1}), T({0.8f, 0.6f, 0.65f}, {3, 1}));  // (3,) targets against (3, 1) outputs
  EXPECT_DOUBLE_EQ(b.result(), 2.0 / 3.0);
  EXPECT_NE(message_of([] { mt::BinaryAccuracy(threshold = 1.5); }).find("Invalid value for argument `threshold`"),
            std::string::npos);
}

TEST(MetricAccuracy, ResolvedByShapes) {
  auto is = [](const std::shared_ptr<mt::Metric>& m, auto* type) {
    using Tp = std::remove_pointer_t<decltype(type)>;
    return dynamic_cast<Tp*>(m.get()) != nullptr;
  };
  // binary if the output's last dim is 1
  auto b = mt::get("accuracy", Shape{None}, Shape{None, 1});
  EXPECT_TRUE(is(b, static_cast<mt::BinaryAccuracy*>(nullptr)));
  EXPECT_EQ(b->name(), "accuracy");
  EXPECT_TRUE(is(mt::get("accuracy", Shape{None, 1}, Shape{None, 1}), static_cast<mt::BinaryAccuracy*>(nullptr)));
  // sparse if the targets have a lower rank, or a last dim of 1 against several classes
  auto s = mt::get("acc", Shape{None}, Shape{None, 10});
  EXPECT_TRUE(is(s, static_cast<mt::SparseCategoricalAccuracy*>(nullptr)));
  EXPECT_EQ(s->name(), "acc");
  EXPECT_TRUE(
      is(mt::get("accuracy", Shape{None, 1}, Shape{None, 10}), static_cast<mt::SparseCategoricalAccuracy*>(nullptr)));
  // categorical otherwise
  EXPECT_TRUE(
      is(mt::get("Accuracy", Shape{None, 10}, Shape{None, 10}), static_cast<mt::CategoricalAccuracy*>(nullptr)));
  EXPECT_EQ(mt::get("Accuracy", Shape{None, 10}, Shape{None, 10})->name(), "Accuracy");
  // crossentropy likewise
  EXPECT_TRUE(is(mt::get("crossentropy", Shape{None}, Shape{None, 1}), static_cast<mt::BinaryCrossentropy*>(nullptr)));
  EXPECT_TRUE(is(mt::get("ce", Shape{None}, Shape{None, 3}), static_cast<mt::SparseCategoricalCrossentropy*>(nullptr)));
  EXPECT_TRUE(
      is(mt::get("ce", Shape{None, 3}, Shape{None, 3}), static_cast<mt::CategoricalCrossentropy*>(nullptr)));
  // And the resolved metric computes.
  auto acc = mt::get("accuracy", Shape{4}, Shape{4, 3});
  acc->update_state(V({0, 1, 2, 2}), T({0.9f, 0.05f, 0.05f, 0.1f, 0.8f, 0.1f, 0.3f, 0.4f, 0.3f, 0.1f, 0.1f, 0.8f}, {4, 3}));
  EXPECT_DOUBLE_EQ(acc->result(), 0.75);
}

TEST(MetricRegression, KerasDocstringExamples) {
  Tensor yt = T({0, 1, 0, 0}, {2, 2}), yp = T({1, 1, 0, 0}, {2, 2}), sw = V({1, 0});
  EXPECT_NEAR(run_twice(mt::MeanSquaredError(), yt, yp, sw).first, 0.25, 1e-7);
  auto mae = run_twice(mt::MeanAbsoluteError(), yt, yp, sw);
  EXPECT_NEAR(mae.first, 0.25, 1e-7);
  EXPECT_NEAR(mae.second, 0.5, 1e-7);
  auto mape = run_twice(mt::MeanAbsolutePercentageError(), yt, yp, sw);
  EXPECT_NEAR(mape.first, 250000000.0, 250000000.0 * 1e-6);
  EXPECT_NEAR(mape.second, 500000000.0, 500000000.0 * 1e-6);
  auto msle = run_twice(mt::MeanSquaredLogarithmicError(), yt, yp, sw);
  EXPECT_NEAR(msle.first, 0.12011322, 1e-6);
  EXPECT_NEAR(msle.second, 0.24022643, 1e-6);
  auto rmse = run_twice(mt::RootMeanSquaredError(), yt, yp, sw);
  EXPECT_NEAR(rmse.first, 0.5, 1e-7);
  EXPECT_NEAR(rmse.second, 0.70710677, 1e-6);
  auto lc = run_twice(mt::LogCoshError(), yt, yp, sw);
  EXPECT_NEAR(lc.first, 0.10844523, 1e-6);
  EXPECT_NEAR(lc.second, 0.21689045, 1e-6);
  auto cs =
      run_twice(mt::CosineSimilarity(axis = 1), T({0, 1, 1, 1}, {2, 2}), T({1, 0, 1, 1}, {2, 2}), V({0.3f, 0.7f}));
  EXPECT_NEAR(cs.first, 0.5, 1e-6);
  EXPECT_NEAR(cs.second, 0.7, 1e-6);
  mt::R2Score r2;
  r2.update_state(T({1, 4, 3}, {3, 1}), T({2, 4, 4}, {3, 1}));
  EXPECT_NEAR(r2.result(), 0.57142854, 1e-6);
  EXPECT_EQ(mt::RootMeanSquaredError().name(), "root_mean_squared_error");
  EXPECT_EQ(mt::LogCoshError().name(), "logcosh");
  EXPECT_EQ(r2.name(), "r2_score");
}

TEST(MetricProbabilistic, KerasDocstringExamples) {
  Tensor yt = T({0, 1, 0, 0}, {2, 2}), p = T({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2}), sw = V({1, 0});
  auto kld = run_twice(mt::KLDivergence(), yt, p, sw);
  EXPECT_NEAR(kld.first, 0.45814306, 1e-6);
  EXPECT_NEAR(kld.second, 0.9162892, 1e-6);
  auto poisson = run_twice(mt::Poisson(), yt, T({1, 1, 0, 0}, {2, 2}), sw);
  EXPECT_NEAR(poisson.first, 0.49999997, 1e-6);
  EXPECT_NEAR(poisson.second, 0.99999994, 1e-6);
  auto bce = run_twice(mt::BinaryCrossentropy(), yt, p, sw);
  EXPECT_NEAR(bce.first, 0.81492424, 1e-5);
  EXPECT_NEAR(bce.second, 0.9162905, 1e-5);
  Tensor ct = T({0, 1, 0, 0, 0, 1}, {2, 3}), cp = T({0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f}, {2, 3});
  auto cce = run_twice(mt::CategoricalCrossentropy(), ct, cp, V({0.3f, 0.7f}));
  EXPECT_NEAR(cce.first, 1.1769392, 1e-5);
  EXPECT_NEAR(cce.second, 1.6271976, 1e-5);
  auto scce = run_twice(mt::SparseCategoricalCrossentropy(), V({1, 2}), cp, V({0.3f, 0.7f}));
  EXPECT_NEAR(scce.first, 1.1769392, 1e-5);
  EXPECT_NEAR(scce.second, 1.6271976, 1e-5);
  // Hinge metrics: the loss functions' values.
  mt::Hinge h;
  h.update_state(T({0, 1, 0, 0}, {2, 2}), T({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2}));
  EXPECT_NEAR(h.result(), ((1.6 + 0.6) / 2 + (1.4 + 1.6) / 2) / 2, 1e-6);
}

TEST(MetricConfusion, CountsPrecisionRecall) {
  auto tp = run_twice(mt::TruePositives(), V({0, 1, 1, 1}), V({1, 0, 1, 1}), V({0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(tp.first, 2.0);
  EXPECT_DOUBLE_EQ(tp.second, 1.0);
  auto fp = run_twice(mt::FalsePositives(), V({0, 1, 0, 0}), V({0, 0, 1, 1}), V({0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(fp.first, 2.0);
  EXPECT_DOUBLE_EQ(fp.second, 1.0);
  auto tn = run_twice(mt::TrueNegatives(), V({0, 1, 0, 0}), V({1, 1, 0, 0}), V({0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(tn.first, 2.0);
  EXPECT_DOUBLE_EQ(tn.second, 1.0);
  auto fn = run_twice(mt::FalseNegatives(), V({0, 1, 1, 1}), V({0, 1, 0, 0}), V({0, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(fn.first, 2.0);
  EXPECT_DOUBLE_EQ(fn.second, 1.0);
  auto pr = run_twice(mt::Precision(), V({0, 1, 1, 1}), V({1, 0, 1, 1}), V({0, 0, 1, 0}));
  EXPECT_NEAR(pr.first, 2.0 / 3.0, 1e-7);
  EXPECT_DOUBLE_EQ(pr.second, 1.0);
  auto rc = run_twice(mt::Recall(), V({0, 1, 1, 1}), V({1, 0, 1, 1}), V({0, 0, 1, 0}));
  EXPECT_NEAR(rc.first, 2.0 / 3.0, 1e-7);
  EXPECT_DOUBLE_EQ(rc.second, 1.0);
  // top_k: among each row's k highest predictions
  mt::Precision top2(top_k = 2), top4(top_k = 4);
  top2.update_state(V({0, 0, 1, 1}), V({1, 1, 1, 1}));
  top4.update_state(V({0, 0, 1, 1}), V({1, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(top2.result(), 0.0);
  EXPECT_DOUBLE_EQ(top4.result(), 0.5);
  // class_id: one column of per-class predictions
  mt::Recall r1(class_id = 1);
  r1.update_state(T({0, 1, 0, 1, 0, 0, 0, 1, 0}, {3, 3}), T({0.2f, 0.7f, 0.1f, 0.6f, 0.3f, 0.1f, 0.1f, 0.4f, 0.5f}, {3, 3}));
  EXPECT_DOUBLE_EQ(r1.result(), 0.5);
  // Several thresholds: one value each (result() is their mean).
  mt::Precision multi(thresholds = {0.3, 0.7});
  multi.update_state(V({0, 1, 1, 0}), V({0.4f, 0.8f, 0.5f, 0.9f}));
  std::vector<double> v = multi.result_values();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NEAR(v[0], 2.0 / 4.0, 1e-9);
  EXPECT_NEAR(v[1], 1.0 / 2.0, 1e-9);
  mt::Precision pos(0.7);
  pos.update_state(V({0, 1, 1, 0}), V({0.4f, 0.8f, 0.5f, 0.9f}));
  EXPECT_DOUBLE_EQ(pos.result(), 0.5);
  std::string msg = message_of([] { mt::Precision(thresholds = {1.5}); });
  EXPECT_EQ(msg.rfind("Threshold values must be in [0, 1]. Received: [1.5]", 0), 0u) << msg;
  // Evenly spaced thresholds take Keras's bucketed path; the counts agree with direct comparison.
  mt::TruePositives even(thresholds = {0.0, 0.5, 1.0});
  even.update_state(V({1, 1, 1, 0}), V({0.0f, 0.5f, 0.7f, 0.9f}));
  std::vector<double> ev = even.result_values();
  EXPECT_EQ(ev, (std::vector<double>{2, 1, 0}));
}

TEST(MetricConfusion, AUC) {
  // Keras's docstring: thresholds [0 - 1e-7, 0.5, 1 + 1e-7]; tp_rate [1, 0.5, 0], fp_rate [1, 0, 0] -> 0.75.
  mt::AUC m(num_thresholds = 3);
  m.update_state(V({0, 0, 1, 1}), V({0, 0.5f, 0.3f, 0.9f}));
  EXPECT_NEAR(m.result(), 0.75, 1e-7);
  m.reset_state();
  Tensor sw = V({1, 0, 0, 1});
  m.update_state(V({0, 0, 1, 1}), V({0, 0.5f, 0.3f, 0.9f}), &sw);
  EXPECT_NEAR(m.result(), 1.0, 1e-7);
  EXPECT_EQ(m.thresholds().size(), 3u);

  // Default 200 thresholds, every prediction in its own bucket: the exact ROC AUC of the ranking.
  // ROC points (fpr, tpr): (1, 1) (0.5, 1) (0.5, 0.5) (0, 0.5) (0, 0) -> 0.5 * 1 + 0.5 * 0.5 = 0.75.
  mt::AUC roc;
  EXPECT_EQ(roc.name().rfind("auc", 0), 0u);
  roc.update_state(V({0, 0, 1, 1}), V({0.1f, 0.4f, 0.35f, 0.8f}));
  EXPECT_NEAR(roc.result(), 0.75, 1e-9);
  // A positive and a negative in the same bucket: the trapezoid gives the tie half the credit.
  mt::AUC tie(num_thresholds = 3);
  tie.update_state(V({0, 1}), V({0.3f, 0.4f}));
  EXPECT_NEAR(tie.result(), 0.5, 1e-9);
  mt::AUC fine;
  fine.update_state(V({0, 1}), V({0.3f, 0.4f}));
  EXPECT_NEAR(fine.result(), 1.0, 1e-9);

  // PR with Keras's interpolation (Davis & Goadrich), computed by hand for num_thresholds=3:
  // tp [2, 1, 0], fp [2, 0, 0], fn [0, 1, 2]: (1/3)(1 + (2/3) ln 4) / 2 + 1 / 2.
  mt::AUC pr(num_thresholds = 3, curve = "PR");
  pr.update_state(V({0, 0, 1, 1}), V({0, 0.5f, 0.3f, 0.9f}));
  EXPECT_NEAR(pr.result(), (1.0 / 3.0) * (1.0 + (2.0 / 3.0) * std::log(4.0)) / 2.0 + 0.5, 1e-7);
  // PR, minoring: precision heights min over each interval, recall widths.
  mt::AUC prm(num_thresholds = 3, curve = "PR", summation_method = "minoring");
  prm.update_state(V({0, 0, 1, 1}), V({0, 0.5f, 0.3f, 0.9f}));
  // recall [1, 0.5, 0], precision [0.5, 1, 0]: 0.5 * min(0.5, 1) + 0.5 * min(1, 0) = 0.25
  EXPECT_NEAR(prm.result(), 0.25, 1e-9);
  // from_logits applies a sigmoid first.
  mt::AUC lg(num_thresholds = 3, from_logits = true);
  lg.update_state(V({0, 0, 1, 1}), V({-10.0f, 0.0f, -0.8473f, 2.1972f}));
  EXPECT_NEAR(lg.result(), 0.75, 1e-7);
  // multi_label: the mean of the per-label AUCs.
  mt::AUC ml(num_thresholds = 3, multi_label = true);
  ml.update_state(T({0, 1, 0, 0, 1, 1, 1, 0}, {4, 2}), T({0, 0.9f, 0.5f, 0.2f, 0.3f, 0.6f, 0.9f, 0.1f}, {4, 2}));
  // label 0: y [0, 0, 1, 1], p [0, 0.5, 0.3, 0.9] -> 0.75; label 1: y [1, 0, 1, 0], p [0.9, 0.2, 0.6, 0.1] -> 1.
  EXPECT_NEAR(ml.result(), (0.75 + 1.0) / 2, 1e-7);
  EXPECT_DOUBLE_EQ(mt::AUC(curve = "PR", multi_label = true).result(), 0.0);  // nothing seen yet
  EXPECT_NE(message_of([] { mt::AUC(curve = "XY"); }).find("Invalid AUC curve value: \"XY\""), std::string::npos);
  EXPECT_NE(message_of([] { mt::AUC(num_thresholds = 1); }).find("must be an integer > 1"), std::string::npos);
}

TEST(MetricFScore, F1AndFBeta) {
  Tensor yt = T({1, 1, 1, 1, 0, 0, 1, 1, 0}, {3, 3});
  Tensor yp = T({0.2f, 0.6f, 0.7f, 0.2f, 0.6f, 0.6f, 0.6f, 0.8f, 0.0f}, {3, 3});
  mt::F1Score f1(threshold = 0.5);
  f1.update_state(yt, yp);
  std::vector<double> v = f1.result_values();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_NEAR(v[0], 0.5, 1e-6);
  EXPECT_NEAR(v[1], 0.8, 1e-6);
  EXPECT_NEAR(v[2], 0.6666667, 1e-6);
  EXPECT_EQ(f1.name(), "f1_score");
  mt::FBetaScore fb(beta = 2.0, threshold = 0.5);
  fb.update_state(yt, yp);
  v = fb.result_values();
  EXPECT_NEAR(v[0], 0.3846154, 1e-6);
  EXPECT_NEAR(v[1], 0.90909094, 1e-6);
  EXPECT_NEAR(v[2], 0.8333334, 1e-6);
  mt::F1Score micro(average = "micro", threshold = 0.5), macro("macro", threshold = 0.5),
      weighted(average = "weighted", threshold = 0.5);
  micro.update_state(yt, yp);
  macro.update_state(yt, yp);
  weighted.update_state(yt, yp);
  EXPECT_NEAR(micro.result(), 2.0 / 3.0, 1e-6);                          // tp 4, fp 2, fn 2
  EXPECT_NEAR(macro.result(), (0.5 + 0.8 + 2.0 / 3.0) / 3, 1e-6);
  EXPECT_NEAR(weighted.result(), (0.5 * 3 + 0.8 * 2 + 2.0 / 3.0) / 6, 1e-6);  // support 3, 2, 1
  // threshold=None: each row's maximum (ties included) is the prediction.
  mt::F1Score argmax;
  argmax.update_state(yt, yp);
  v = argmax.result_values();
  EXPECT_NEAR(v[0], 0.0, 1e-6);
  EXPECT_NEAR(v[1], 0.5, 1e-6);
  EXPECT_NEAR(v[2], 2.0 / 3.0, 1e-6);
  std::string msg = message_of([&] { mt::F1Score().update_state(V({1, 0}), V({0.3f, 0.8f})); });
  EXPECT_EQ(msg.rfind("FBetaScore expects 2D inputs with shape (batch_size, output_dim).", 0), 0u) << msg;
}

TEST(MetricGet, NamesObjectsAndErrors) {
  auto m = mt::get("mse", Shape{None, 1}, Shape{None, 1});
  EXPECT_NE(dynamic_cast<mt::MeanSquaredError*>(m.get()), nullptr);
  EXPECT_EQ(m->name(), "mse");  // the string the user gave
  EXPECT_EQ(mt::get("Precision", Shape{None}, Shape{None, 1})->name(), "Precision");
  for (const char* id : {"mae", "mape", "msle", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                         "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "auc", "precision",
                         "recall", "true_positives", "root_mean_squared_error", "f1_score", "r2_score", "bce",
                         "kl_divergence", "log_cosh_error", "cosine_similarity", "hinge"})
    EXPECT_EQ(mt::get(id, Shape{None, 3}, Shape{None, 3})->name(), id);
  // An object is cloned: same configuration and name, fresh state.
  mt::Precision p(thresholds = {0.7}, name = "p70");
  p.update_state(V({1}), V({0.9f}));
  auto c = mt::get(p, Shape{None}, Shape{None, 1});
  EXPECT_EQ(c->name(), "p70");
  c->update_state(V({1, 0}), V({0.8f, 0.6f}));
  EXPECT_DOUBLE_EQ(c->result(), 1.0);
  EXPECT_DOUBLE_EQ(p.result(), 1.0);
  std::string msg = message_of([] { mt::get("acuracy", Shape{None}, Shape{None, 1}); });
  EXPECT_EQ(msg.rfind("Could not interpret metric identifier: acuracy", 0), 0u) << msg;
  EXPECT_NE(msg.find("did you mean \"accuracy\""), std::string::npos) << msg;
  std::vector<std::string> n = mt::names();
  EXPECT_NE(std::find(n.begin(), n.end(), "accuracy"), n.end());
  EXPECT_NE(std::find(n.begin(), n.end(), "AUC"), n.end());
}

TEST(MetricGet, DirectionAsKeras) {
  EXPECT_EQ(mt::Accuracy().direction(), "up");
  EXPECT_EQ(mt::SparseCategoricalAccuracy().direction(), "up");
  EXPECT_EQ(mt::AUC(name = "a").direction(), "up");
  EXPECT_EQ(mt::Precision(name = "p").direction(), "up");
  EXPECT_EQ(mt::F1Score().direction(), "up");
  EXPECT_EQ(mt::R2Score().direction(), "up");
  EXPECT_EQ(mt::CosineSimilarity().direction(), "up");
  EXPECT_EQ(mt::MeanSquaredError().direction(), "down");
  EXPECT_EQ(mt::RootMeanSquaredError().direction(), "down");
  EXPECT_EQ(mt::BinaryCrossentropy().direction(), "down");
  EXPECT_EQ(mt::KLDivergence().direction(), "down");
  EXPECT_EQ(mt::Mean().direction(), "");
  EXPECT_EQ(mt::TruePositives(name = "tp").direction(), "");
  EXPECT_EQ(mt::get("acc", Shape{None}, Shape{None, 1})->direction(), "up");
  EXPECT_EQ(mt::get("mae", Shape{None}, Shape{None, 1})->direction(), "down");
}

TEST(MetricGet, AutomaticNamesAsKeras) {
  utils::clear_session();
  EXPECT_EQ(mt::Precision().name(), "precision");
  EXPECT_EQ(mt::Precision().name(), "precision_1");
  EXPECT_EQ(mt::Recall().name(), "recall");
  EXPECT_EQ(mt::AUC().name(), "auc");
  EXPECT_EQ(mt::TruePositives().name(), "true_positives");
  EXPECT_EQ(mt::Precision(name = "p").name(), "p");
  EXPECT_EQ(mt::Accuracy().name(), "accuracy");  // explicit default names are not numbered
  EXPECT_EQ(mt::Accuracy().name(), "accuracy");
  utils::clear_session();
}

// keraspp computes in float32: another dtype= was accepted and ignored; it is refused where it is given.
TEST(Metrics, DtypeOtherThanFloat32IsRefused) {
  EXPECT_NO_THROW(metrics::Mean(dtype = "float32"));
  keras::test_support::expect_error_says([] { metrics::Mean(dtype = "float16"); },
                                         {"keraspp computes in float32; metric \"mean\" was given dtype=float16."});
  keras::test_support::expect_error_says([] { metrics::AUC(dtype = "float64", name = "auc_64"); },
                                         {"metric \"auc_64\" was given dtype=float64."});
}
