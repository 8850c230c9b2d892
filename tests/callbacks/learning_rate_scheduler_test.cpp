#include "keras/callbacks/learning_rate_scheduler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "callbacks/callback_test_support.hpp"
#include "keras/callbacks/callbacks.hpp"
#include "keras/keras.hpp"
#include "keras/optimizers/optimizer.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::CaptureStream;
using keras::test_support::compiled_model;
using keras::test_support::tiny_model;

TEST(CallbackLearningRateScheduler, SetsTheRateAtEachEpochStart) {
  Sequential model = compiled_model();
  std::vector<std::pair<int, double>> calls;
  callbacks::LearningRateScheduler cb([&](int epoch, double lr) {
    calls.emplace_back(epoch, lr);
    return epoch < 1 ? lr : lr * 0.5;
  });
  EXPECT_EQ(cb.verbose, 0);
  cb.set_model(&model);
  Logs logs;
  std::vector<double> logged;
  for (int e = 0; e < 3; ++e) {
    cb.on_epoch_begin(e, logs);
    Logs epoch_logs{{"loss", 1.0}};
    cb.on_epoch_end(e, epoch_logs);
    logged.push_back(epoch_logs.at("learning_rate"));
  }
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].first, 0);
  EXPECT_NEAR(calls[0].second, 0.01, 1e-9);
  EXPECT_NEAR(calls[2].second, 0.005, 1e-9);  // the previous epoch's rate
  ASSERT_EQ(logged.size(), 3u);
  EXPECT_NEAR(logged[0], 0.01, 1e-9);
  EXPECT_NEAR(logged[1], 0.005, 1e-9);
  EXPECT_NEAR(logged[2], 0.0025, 1e-9);
  EXPECT_NEAR(model.optimizer()->learning_rate(), 0.0025, 1e-9);
}

TEST(CallbackLearningRateScheduler, EpochOnlyScheduleAndVerbose) {
  Sequential model = compiled_model();
  callbacks::LearningRateScheduler cb(schedule = [](int epoch) { return 0.1 / (epoch + 1); }, verbose = 1);
  cb.set_model(&model);
  CaptureStream out(std::cout);
  Logs logs;
  cb.on_epoch_begin(0, logs);
  cb.on_epoch_begin(1, logs);
  EXPECT_NEAR(model.optimizer()->learning_rate(), 0.05, 1e-9);
  EXPECT_EQ(out.str(), "\nEpoch 1: LearningRateScheduler setting learning rate to 0.1.\n"
                       "\nEpoch 2: LearningRateScheduler setting learning rate to 0.05.\n");
}

TEST(CallbackLearningRateScheduler, ScheduleIsRequired) {
  EXPECT_THROW_CONTAINING(callbacks::LearningRateScheduler(verbose = 1), keras::ValueError,
                          "missing 1 required positional argument: 'schedule'");
}

TEST(CallbackLearningRateScheduler, WorksInFit) {
  Sequential model = compiled_model();
  Tensor x = Tensor::full({4, 2}, 1.0f), y = Tensor::full({4, 1}, 0.5f);
  callbacks::LearningRateScheduler cb([](int epoch, double) { return 0.001 * (epoch + 1); });
  History history = model.fit(x, y, epochs = 3, verbose = 0, callbacks = {cb});
  ASSERT_EQ(history.history.count("learning_rate"), 1u);
  const auto& lrs = history.history.at("learning_rate");
  ASSERT_EQ(lrs.size(), 3u);
  EXPECT_NEAR(lrs[0], 0.001, 1e-9);
  EXPECT_NEAR(lrs[2], 0.003, 1e-9);
}
