// The per-layer profile (KERASPP_PROFILE_LAYERS): off, it records nothing; on, fit and predict time every node of
// the model in each pass, and the loss and the optimizer step, with one call per step.
#include "models/layer_profile.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

// Turns profiling on for a test and restores the process's setting, with an empty table, afterwards.
struct ProfilingOn {
  bool was = keras::detail::layer_profiling();
  ProfilingOn() {
    keras::detail::reset_layer_profile();
    keras::detail::set_layer_profiling(true);
  }
  ~ProfilingOn() {
    keras::detail::set_layer_profiling(was);
    keras::detail::reset_layer_profile();
  }
};

// The report's row for (layer, pass): its calls and share in percent; calls -1 when there is none.
struct Row {
  long calls = -1;
  double share = 0;
};
Row report_row(const std::string& report, const std::string& layer, const std::string& pass) {
  std::istringstream in(report);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string name, p, share;
    long calls = 0;
    double mean = 0, total = 0;
    if (f >> name >> p >> calls >> mean >> total >> share && name == layer && p == pass)
      return {calls, std::stod(share)};
  }
  return {};
}

}  // namespace

TEST(LayerProfile, OffRecordsNothing) {
  const bool was = keras::detail::layer_profiling();
  keras::detail::set_layer_profiling(false);
  keras::detail::reset_layer_profile();
  Sequential model({Input({4}), layers::Dense(2, name = "d")});
  model.compile(optimizer = "sgd", loss = "mse");
  model.fit(random::uniform({8, 4}), random::uniform({8, 2}), epochs = 1, batch_size = 4, verbose = 0);
  EXPECT_EQ(keras::detail::layer_profile_report(), "");
  keras::detail::set_layer_profiling(was);
}

TEST(LayerProfile, FitAndPredictTimeEveryNodeLossAndOptimizerOncePerStep) {
  ProfilingOn on;
  Sequential model({Input({4}), layers::Dense(3, activation = "relu", name = "hidden"),
                    layers::Dense(2, name = "out")});
  model.compile(optimizer = "adam", loss = "mse");
  model.fit(random::uniform({12, 4}), random::uniform({12, 2}), epochs = 2, batch_size = 4, verbose = 0);
  model.predict(random::uniform({5, 4}), batch_size = 5, verbose = 0);
  const std::string report = keras::detail::layer_profile_report();
  for (const char* layer : {"hidden", "out"}) {
    SCOPED_TRACE(layer);
    EXPECT_EQ(report_row(report, layer, "forward").calls, 6);  // 2 epochs of 3 steps
    EXPECT_EQ(report_row(report, layer, "backward").calls, 6);
    EXPECT_EQ(report_row(report, layer, "inference").calls, 1);
  }
  EXPECT_EQ(report_row(report, "loss", "train").calls, 6);
  EXPECT_EQ(report_row(report, "optimizer", "train").calls, 6);
  keras::detail::reset_layer_profile();
  EXPECT_EQ(keras::detail::layer_profile_report(), "");
}

TEST(LayerProfile, SharesCountANestedModelOnce) {
  ProfilingOn on;
  Sequential inner({Input({4}), layers::Dense(4, name = "inner_dense")}, name = "inner");
  Sequential outer({Input({4}), inner, layers::Dense(1, name = "head")});
  outer.predict(random::uniform({6, 4}), verbose = 0);
  const std::string report = keras::detail::layer_profile_report();
  const Row model = report_row(report, "inner", "inference"), nested = report_row(report, "inner_dense", "inference"),
            head = report_row(report, "head", "inference");
  ASSERT_EQ(nested.calls, 1);  // the inner model's own node is timed too
  EXPECT_EQ(model.calls, 1);
  EXPECT_EQ(head.calls, 1);
  // Shares are of the outermost nodes' time: the inner model and the head make up all of it, and the inner
  // model's Dense is part of the inner model's share, not added to it.
  EXPECT_NEAR(model.share + head.share, 100.0, 0.2);
  EXPECT_LE(nested.share, model.share + 0.1);
}
