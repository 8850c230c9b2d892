// The contract (cpp-api.md, "Details settled by compiling the contract"): under
// `using namespace keras; using namespace keras::kw;` both `metrics={"accuracy"}` (the keyword) and
// `keras::metrics::Precision()` / `metrics::Precision(...)` (the classes) compile. This file is the proof.
#include <gtest/gtest.h>

#include "keras/losses/losses.hpp"
#include "keras/metrics/metrics.hpp"

using namespace keras;
using namespace keras::kw;

TEST(MetricNamespace, KeywordAndClassesShareTheName) {
  // The keyword: a KwArg holding the list of metrics, names and objects mixed.
  auto arg = (metrics = {"accuracy", metrics::Precision(), keras::metrics::AUC(curve = "PR")});
  ASSERT_TRUE(arg.value.has_value());
  const std::vector<MetricArg>& list = arg.value->every_output;
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].name, "accuracy");
  EXPECT_NE(list[1].object, nullptr);
  EXPECT_NE(list[2].object, nullptr);

  // The classes, qualified and through the using-directives.
  keras::metrics::Precision p1;
  metrics::Precision p2(thresholds = {0.7});
  metrics::Recall r(top_k = 2);
  metrics::Metric& base = p2;
  EXPECT_FALSE(base.name().empty());
  metrics::BinaryAccuracy acc(threshold = 0.6);
  metrics::F1Score f1(average = "macro");
  metrics::SparseTopKCategoricalAccuracy top(k = 3);
  metrics::Mean mean_metric;
  std::shared_ptr<metrics::Metric> m = metrics::get("mae", Shape{None, 1}, Shape{None, 1});
  EXPECT_EQ(m->name(), "mae");

  // Losses beside them, with their keywords.
  losses::SparseCategoricalCrossentropy loss(from_logits = true);
  EXPECT_EQ(loss.name(), "sparse_categorical_crossentropy");
  LossArg la = losses::Huber(delta = 2.0);
  EXPECT_NE(la.object, nullptr);
  MetricArg ma = metrics::Precision(thresholds = {0.5}, name = "p");
  EXPECT_EQ(ma.object->name(), "p");
}
