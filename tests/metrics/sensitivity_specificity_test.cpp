// SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision: Keras's docstring
// values (with and without weights), class_id, the thresholds, names, errors, and a compiled model that saves them.
#include <gtest/gtest.h>

#include <string>

#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::T;

TEST(RateAtRateMetrics, KerasDocstringValues) {
  const Tensor t5 = T({0, 0, 0, 1, 1}, {5}), p5 = T({0, 0.3f, 0.8f, 0.3f, 0.8f}, {5});
  auto value = [](metric_types::Metric&& m, const Tensor& t, const Tensor& p, const Tensor* w = nullptr) {
    m.update_state(t, p, w);
    return m.result();
  };
  EXPECT_NEAR(value(metrics::SensitivityAtSpecificity(0.5), t5, p5), 0.5, 1e-6);
  Tensor w1 = T({1, 1, 2, 2, 1}, {5});
  EXPECT_NEAR(value(metrics::SensitivityAtSpecificity(0.5), t5, p5, &w1), 0.333333, 1e-6);
  EXPECT_NEAR(value(metrics::SpecificityAtSensitivity(0.5), t5, p5), 0.66666667, 1e-6);
  Tensor w2 = T({1, 1, 2, 2, 2}, {5});
  EXPECT_NEAR(value(metrics::SpecificityAtSensitivity(0.5), t5, p5, &w2), 0.5, 1e-6);
  EXPECT_NEAR(value(metrics::PrecisionAtRecall(0.5), t5, p5), 0.5, 1e-6);
  Tensor w3 = T({2, 2, 2, 1, 1}, {5});
  EXPECT_NEAR(value(metrics::PrecisionAtRecall(0.5), t5, p5, &w3), 0.33333333, 1e-6);
  const Tensor t4 = T({0, 0, 1, 1}, {4}), p4 = T({0, 0.5f, 0.3f, 0.9f}, {4});
  EXPECT_NEAR(value(metrics::RecallAtPrecision(0.8), t4, p4), 0.5, 1e-6);
  Tensor w4 = T({1, 0, 0, 1}, {4});
  EXPECT_NEAR(value(metrics::RecallAtPrecision(0.8), t4, p4, &w4), 1.0, 1e-6);
  // A precision no threshold reaches: 0.
  EXPECT_EQ(value(metrics::RecallAtPrecision(1.0), T({1, 0}, {2}), T({0.2f, 0.9f}, {2})), 0.0);
}

TEST(RateAtRateMetrics, ClassIdThresholdsNamesAndErrors) {
  // class_id: column 1 of one-hot targets and scores only.
  metrics::PrecisionAtRecall column(0.5, class_id = 1);
  column.update_state(T({0, 1, 0, 1, 0, 1, 1, 0}, {4, 2}), T({0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f, 0.3f, 0.7f}, {4, 2}));
  metrics::PrecisionAtRecall flat(0.5);
  flat.update_state(T({1, 1, 1, 0}, {4}), T({0.1f, 0.8f, 0.4f, 0.7f}, {4}));
  EXPECT_DOUBLE_EQ(column.result(), flat.result());
  EXPECT_EQ(metrics::SensitivityAtSpecificity(0.5, num_thresholds = 5).thresholds(),
            (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
  EXPECT_EQ(metrics::SensitivityAtSpecificity(0.5, num_thresholds = 1).thresholds(), (std::vector<double>{0.5}));
  utils::clear_session();
  EXPECT_EQ(metrics::SensitivityAtSpecificity(0.5).name(), "sensitivity_at_specificity");
  EXPECT_EQ(metrics::RecallAtPrecision(0.5).name(), "recall_at_precision");
  EXPECT_EQ(metrics::RecallAtPrecision(0.5).name(), "recall_at_precision_1");
  EXPECT_EQ(metrics::PrecisionAtRecall(0.5).direction(), "up");
  EXPECT_EQ(message_of([] { metrics::PrecisionAtRecall(1.5); }).substr(0, 63),
            "Argument `recall` must be in the range [0, 1]. Received: recall");
  EXPECT_NE(message_of([] { metrics::SpecificityAtSensitivity(0.5, num_thresholds = 0); })
                .find("Argument `num_thresholds` must be an integer > 0. Received: num_thresholds=0"),
            std::string::npos);
  EXPECT_NE(message_of([] { metric_types::get("precision_at_recall"); })
                .find("PrecisionAtRecall.__init__() missing 1 required positional argument: 'recall'"),
            std::string::npos);
}

TEST(RateAtRateMetrics, CompiledModelReportsAndSavesThem) {
  utils::set_random_seed(9);
  Sequential model({Input(shape = {3}), layers::Dense(1, activation = "sigmoid")});
  model.compile(optimizer = "adam", loss = "binary_crossentropy",
                metrics = {metrics::PrecisionAtRecall(0.8, name = "p_at_r"), metrics::SensitivityAtSpecificity(0.9)});
  Tensor x = random::normal({32, 3}), y = random::randint(0, 2, {32, 1});
  History h = model.fit(x, y, epochs = 1, batch_size = 8, verbose = 0);
  EXPECT_EQ(h.history.count("p_at_r"), 1u);
  const std::string path = testing::TempDir() + "rate_at_rate.keras";
  model.save(path);
  Model loaded = saving::load_model(path);
  EXPECT_EQ(loaded.evaluate(x, y, verbose = 0), model.evaluate(x, y, verbose = 0));
}
