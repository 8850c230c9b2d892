#include "keras/callbacks/progbar_logger.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "callbacks/callback_test_support.hpp"
#include "keras/callbacks/callbacks.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::blocks;

namespace {

// A logger writing to a string with a hand-moved clock.
struct LoggerHarness {
  std::ostringstream out;
  double t = 0.0;
  callbacks::ProgbarLogger logger;
  LoggerHarness(int verbose, int epochs, int steps, bool interactive = false) {
    logger.set_params(TrainingParams{verbose, epochs, steps});
    logger.set_stream(&out);
    logger.set_interactive(interactive);
    logger.set_clock([this] { return t; });
  }
  // One epoch of `steps` batches, dt seconds each, with a falling loss (1, 1/2, 1/3, ...); then the epoch logs.
  void epoch(int e, int steps, Logs epoch_logs, double dt = 0.001) {
    Logs none;
    t = 0.0;
    logger.on_epoch_begin(e, none);
    for (int b = 0; b < steps; ++b) {
      t = dt * (b + 1);
      Logs batch{{"loss", 1.0 / (b + 1)}};
      logger.on_train_batch_end(b, batch);
    }
    logger.on_epoch_end(e, epoch_logs);
  }
};

}  // namespace

TEST(CallbackProgbarLogger, FitPrintsEpochLinesWhenEpochsAboveOne) {
  LoggerHarness h(1, 2, 2);
  Logs logs;
  h.logger.on_train_begin(logs);
  h.epoch(0, 2, {{"loss", 0.5}, {"val_loss", 0.25}, {"accuracy", 0.75}});
  h.epoch(1, 2, {{"loss", 0.4}, {"val_loss", 0.125}, {"accuracy", 0.875}});
  h.logger.on_train_end(logs);
  // Validation values in the epoch's final line. Keys keep the order they first appeared in (the batches logged
  // "loss" only here), each group sorted, as Keras's Progbar does.
  EXPECT_EQ(h.out.str(), "Epoch 1/2\n2/2 " + blocks(20) +
                             " 0s 1ms/step - loss: 0.5000 - accuracy: 0.7500 - val_loss: 0.2500\n"
                             "Epoch 2/2\n2/2 " + blocks(20) +
                             " 0s 1ms/step - loss: 0.4000 - accuracy: 0.8750 - val_loss: 0.1250\n");
}

TEST(CallbackProgbarLogger, NoEpochLineForOneEpoch) {
  LoggerHarness h(1, 1, 3);
  Logs logs;
  h.logger.on_train_begin(logs);
  h.epoch(0, 3, {{"loss", 0.5}});
  h.logger.on_train_end(logs);
  EXPECT_EQ(h.out.str(), "3/3 " + blocks(20) + " 0s 1ms/step - loss: 0.5000\n");
}

TEST(CallbackProgbarLogger, Verbose2PrintsOneLinePerEpoch) {
  LoggerHarness h(2, 2, 2);
  Logs logs;
  h.logger.on_train_begin(logs);
  h.epoch(0, 2, {{"loss", 0.5}, {"val_loss", 0.25}});
  h.epoch(1, 2, {{"loss", 0.4}, {"val_loss", 0.125}});
  EXPECT_EQ(h.out.str(),
            "Epoch 1/2\n2/2 - 0s - 1ms/step - loss: 0.5000 - val_loss: 0.2500\n"
            "Epoch 2/2\n2/2 - 0s - 1ms/step - loss: 0.4000 - val_loss: 0.1250\n");
}

TEST(CallbackProgbarLogger, InteractiveRedrawsThenEndsWithTheEpochLine) {
  LoggerHarness h(1, 1, 2, /*interactive=*/true);
  Logs logs;
  h.logger.on_train_begin(logs);
  h.epoch(0, 2, {{"loss", 0.5}, {"val_loss", 0.25}}, /*dt=*/0.1);
  const std::string out = h.out.str();
  EXPECT_EQ(out.rfind("\r", 0), 0u) << "starts by returning to the line's start";
  EXPECT_NE(out.find("1/2\x1b[0m \x1b[32m" + blocks(10) + "\x1b[0m\x1b[37m" + blocks(10)), std::string::npos) << out;
  EXPECT_NE(out.find("loss: 1.0000"), std::string::npos) << out;
  // Batch values are shown as given (they are running means already), not averaged again (that would be 0.75).
  EXPECT_NE(out.find("\b\r\x1b[1m2/2\x1b[0m \x1b[32m" + blocks(20) + "\x1b[0m"), std::string::npos) << out;
  EXPECT_NE(out.find("100ms/step - loss: 0.5000"), std::string::npos) << out;
  EXPECT_EQ(out.find("0.7500"), std::string::npos) << out;
  const std::string tail = " - loss: 0.5000 - val_loss: 0.2500\n";
  ASSERT_GE(out.size(), tail.size());
  EXPECT_EQ(out.substr(out.size() - tail.size()), tail);
  EXPECT_EQ(out.find("Epoch"), std::string::npos);
}

TEST(CallbackProgbarLogger, ValidationInsideFitIsSilent) {
  LoggerHarness h(1, 1, 2);
  Logs logs;
  h.logger.on_train_begin(logs);
  Logs none;
  h.logger.on_epoch_begin(0, none);
  const std::string before = h.out.str();
  h.logger.on_test_begin(none);
  Logs b{{"loss", 1.0}};
  h.logger.on_test_batch_end(0, b);
  h.logger.on_test_end(b);
  EXPECT_EQ(h.out.str(), before);
}

TEST(CallbackProgbarLogger, EvaluateDrawsItsOwnBar) {
  LoggerHarness h(1, 1, 3);
  Logs none;
  h.logger.on_test_begin(none);
  for (int b = 0; b < 3; ++b) {
    h.t = 0.002 * (b + 1);
    Logs batch{{"loss", 0.5}, {"mae", 0.25}};
    h.logger.on_test_batch_end(b, batch);
  }
  Logs final_logs{{"loss", 0.5}, {"mae", 0.25}};
  h.logger.on_test_end(final_logs);
  EXPECT_EQ(h.out.str(), "3/3 " + blocks(20) + " 0s 2ms/step - loss: 0.5000 - mae: 0.2500\n");
}

TEST(CallbackProgbarLogger, PredictShowsNoValues) {
  LoggerHarness h(1, 1, 2);
  Logs none;
  h.logger.on_predict_begin(none);
  for (int b = 0; b < 2; ++b) {
    h.t = 0.001 * (b + 1);
    Logs batch{{"ignored", 1.0}};
    h.logger.on_predict_batch_end(b, batch);
  }
  h.logger.on_predict_end(none);
  EXPECT_EQ(h.out.str(), "2/2 " + blocks(20) + " 0s 1ms/step\n");
}

TEST(CallbackProgbarLogger, UnknownStepsLearnedFromTheFirstEpoch) {
  LoggerHarness h(1, 2, -1, true);
  Logs logs;
  h.logger.on_train_begin(logs);
  h.epoch(0, 3, {{"loss", 0.5}});
  std::string first = h.out.str();
  EXPECT_NE(first.find("      1/Unknown"), std::string::npos) << first;
  EXPECT_NE(first.find("3/3\x1b[0m"), std::string::npos) << first;  // finalized against the steps seen
  h.epoch(1, 3, {{"loss", 0.4}});
  std::string second = h.out.str().substr(first.size());
  EXPECT_NE(second.find("1/3\x1b[0m"), std::string::npos) << second;
}

TEST(CallbackProgbarLogger, Verbose0PrintsNothing) {
  LoggerHarness h(0, 3, 2);
  Logs logs;
  h.logger.on_train_begin(logs);
  h.epoch(0, 2, {{"loss", 0.5}});
  EXPECT_EQ(h.out.str(), "");
}
