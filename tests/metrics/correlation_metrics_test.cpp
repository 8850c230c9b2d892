// keras.metrics.PearsonCorrelation and ConcordanceCorrelation: correlation_metrics_test.py's rows and class results,
// the docstring values, constant samples, axis=0 across a batch, rank-1 batches, (B,) targets against (B, 1)
// predictions, sample weights, names, configs, get(), errors, and a compiled model that reports them.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::T;

namespace {
namespace corr {

// correlation_metrics_test.py's _get_data.
Tensor y_true() { return T({0, 1, 0.5f, 1, 1, 0.2f, 1, 1, 0.1f, 0.1f, 0.7f, 0}, {4, 3}); }
Tensor y_pred() { return T({0.1f, 0.9f, 0.5f, 1, 0.9f, 0.2f, 0.2f, 0.8f, 0, 0.3f, 0.3f, 0.9f}, {4, 3}); }
// Per row: scipy's pearsonr, and the test's ccc_expected.
const std::vector<double> kPearsonRows = {1.0, 0.9933992677987828, 0.6933752452815364, -0.6099942813304186};
const std::vector<double> kConcordanceRows = {0.97560976, 0.98765432, 0.46511628, -0.46376812};

double mean_of(const std::vector<double>& v, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += v[i];
  return s / static_cast<double>(n);
}

}  // namespace corr
}  // namespace

TEST(CorrelationMetrics, KerasTestValuesRowByRowAndStreaming) {
  metrics::PearsonCorrelation pearson(axis = -1, dtype = "float32");
  metrics::ConcordanceCorrelation concordance;
  const Tensor t = corr::y_true(), p = corr::y_pred();
  // The first two rows (the docstring's example), then the other two: the mean over every row seen.
  pearson.update_state(t.slice(0, 2), p.slice(0, 2));
  concordance.update_state(t.slice(0, 2), p.slice(0, 2));
  EXPECT_NEAR(pearson.result(), 0.9966996338993913, 1e-6);
  EXPECT_NEAR(concordance.result(), 0.9816317, 1e-6);  // Keras's printed float32 value (eps in the denominator)
  pearson.update_state(t.slice(2, 4), p.slice(2, 4));
  concordance.update_state(t.slice(2, 4), p.slice(2, 4));
  EXPECT_NEAR(pearson.result(), corr::mean_of(corr::kPearsonRows, 4), 1e-6);
  EXPECT_NEAR(concordance.result(), corr::mean_of(corr::kConcordanceRows, 4), 1e-6);
  // One row at a time gives each row's value.
  for (int64_t row = 0; row < 4; ++row) {
    metrics::PearsonCorrelation one;
    metrics::ConcordanceCorrelation other;
    one.update_state(t.slice(row, row + 1), p.slice(row, row + 1));
    other.update_state(t.slice(row, row + 1), p.slice(row, row + 1));
    EXPECT_NEAR(one.result(), corr::kPearsonRows[static_cast<size_t>(row)], 1e-6) << row;
    EXPECT_NEAR(other.result(), corr::kConcordanceRows[static_cast<size_t>(row)], 1e-6) << row;
  }
  pearson.reset_state();
  EXPECT_EQ(pearson.result(), 0.0);
}

TEST(CorrelationMetrics, ConstantSamplesAxisZeroRankOneAndWeights) {
  // Keras's newest Pearson: a constant row gives 0 (epsilon on each standard deviation), not NaN.
  metrics::PearsonCorrelation pearson;
  pearson.update_state(T({0.1f, 0.5f, 0.9f, 2, 2, 2}, {2, 3}), T({0.2f, 0.4f, 0.6f, 0.1f, 0.5f, 0.9f}, {2, 3}));
  EXPECT_NEAR(pearson.result(), (0.99999908 + 0.0) / 2, 1e-6);
  // axis=0 correlates each column across the batch: (B, 1) outputs give one value per batch.
  const Tensor t = T({1, 2, 3, 4}, {4, 1}), p = T({2, 4, 5, 9}, {4, 1});
  metrics::PearsonCorrelation across(axis = 0);
  across.update_state(t, p);
  // Deviations (-1.5, -0.5, 0.5, 1.5) and (-3, -1, 0, 4): r = 11 / sqrt(5 * 26).
  EXPECT_NEAR(across.result(), 11.0 / std::sqrt(130.0), 1e-6);
  // Rank 1: one correlation per batch, each batch counted once; (B,) against (B, 1) meets as (B, 1).
  metrics::ConcordanceCorrelation rank_one;
  rank_one.update_state(T({1, 2, 3, 4}, {4}), T({1, 2, 3, 4}, {4}));
  rank_one.update_state(T({1, 2, 3, 4}, {4}), T({4, 3, 2, 1}, {4}));
  EXPECT_NEAR(rank_one.result(), (1.0 + -1.0) / 2, 1e-6);
  metrics::ConcordanceCorrelation mixed(axis = 0);
  mixed.update_state(T({1, 2, 3, 4}, {4}), T({1, 2, 3, 4}, {4, 1}));
  EXPECT_NEAR(mixed.result(), 1.0, 1e-6);
  // sample_weight weighs each row's value.
  metrics::ConcordanceCorrelation weighted;
  Tensor w = T({1, 3, 0, 0}, {4});
  weighted.update_state(corr::y_true(), corr::y_pred(), &w);
  EXPECT_NEAR(weighted.result(), (corr::kConcordanceRows[0] + 3 * corr::kConcordanceRows[1]) / 4, 1e-6);
}

TEST(CorrelationMetrics, NamesConfigGetAndErrors) {
  EXPECT_EQ(metrics::PearsonCorrelation().name(), "pearson_correlation");
  EXPECT_EQ(metrics::PearsonCorrelation().name(), "pearson_correlation");  // a fixed name, as Keras's
  EXPECT_EQ(metrics::ConcordanceCorrelation(name = "ccc").name(), "ccc");
  EXPECT_EQ(metrics::PearsonCorrelation().direction(), "up");
  const kw::Kwargs c = metrics::PearsonCorrelation(axis = 0).get_config();
  EXPECT_EQ(*c.get<int>("axis"), 0);
  EXPECT_EQ(*c.get<std::string>("name"), "pearson_correlation");
  // By name, as compile() resolves them (the metric is named by the string given).
  EXPECT_NE(dynamic_cast<metrics::PearsonCorrelation*>(metrics::get("pearson_correlation").get()), nullptr);
  EXPECT_NE(dynamic_cast<metrics::ConcordanceCorrelation*>(metrics::get("ConcordanceCorrelation").get()), nullptr);
  metrics::PearsonCorrelation pearson;
  std::string m = message_of([&] { pearson.update_state(T({1, 2, 3}, {3}), T({1, 2, 3, 4}, {4})); });
  EXPECT_NE(m.find("needs y_true and y_pred of the same shape"), std::string::npos) << m;
  EXPECT_NE(m.find("y_true.shape=(3,), y_pred.shape=(4,)"), std::string::npos) << m;
  EXPECT_NE(m.find("Hint: "), std::string::npos) << m;
  metrics::PearsonCorrelation bad(axis = 2);
  m = message_of([&] { bad.update_state(corr::y_true(), corr::y_pred()); });
  EXPECT_NE(m.find("Invalid axis 2 for `pearson_correlation` on inputs of rank 2."), std::string::npos) << m;
}

TEST(CorrelationMetrics, ACompiledModelReportsAndSavesThem) {
  utils::set_random_seed(6);
  Sequential model({Input(shape = {5}), layers::Dense(4)});
  model.compile(optimizer = "adam", loss = "mse",
                metrics = {metrics::PearsonCorrelation(), "concordance_correlation"});
  Tensor x = random::normal({32, 5}), y = random::normal({32, 4});
  History h = model.fit(x, y, epochs = 2, batch_size = 8, verbose = 0);
  ASSERT_EQ(h.history["pearson_correlation"].size(), 2u);
  ASSERT_EQ(h.history["concordance_correlation"].size(), 2u);
  // evaluate() agrees with the metric run by hand over the same batches.
  const auto logs = model.evaluate_dict(x, y, kw::collect<Model::evaluate_args>(batch_size = 8, verbose = 0));
  metrics::PearsonCorrelation by_hand;
  for (int64_t b = 0; b < 32; b += 8) {
    const Tensor predicted = model.predict(x.slice(b, b + 8), verbose = 0);
    by_hand.update_state(y.slice(b, b + 8), predicted);
  }
  EXPECT_NEAR(logs.at("pearson_correlation"), by_hand.result(), 1e-6);
  const std::string path = (std::filesystem::temp_directory_path() / "keraspp_correlation_metrics.keras").string();
  model.save(path);
  Model loaded = saving::load_model(path);
  std::filesystem::remove(path);
  const auto again = loaded.evaluate_dict(x, y, kw::collect<Model::evaluate_args>(batch_size = 8, verbose = 0));
  EXPECT_NEAR(again.at("concordance_correlation"), logs.at("concordance_correlation"), 1e-6);
}
