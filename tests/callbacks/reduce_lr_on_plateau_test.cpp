#include "keras/callbacks/reduce_lr_on_plateau.hpp"

#include <gtest/gtest.h>

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

namespace {
// The learning rate after each epoch's end, feeding one value of `key` per epoch.
std::vector<double> rates_after_epochs(callback_types::ReduceLROnPlateau& cb, Model& model,
                                       const std::vector<double>& values, const std::string& key = "loss",
                                       std::vector<double>* logged = nullptr) {
  cb.set_model(&model);
  Logs logs;
  cb.on_train_begin(logs);
  std::vector<double> lrs;
  for (size_t e = 0; e < values.size(); ++e) {
    Logs epoch_logs{{key, values[e]}};
    cb.on_epoch_end(static_cast<int>(e), epoch_logs);
    if (logged) logged->push_back(epoch_logs.at("learning_rate"));
    lrs.push_back(model.optimizer()->learning_rate());
  }
  return lrs;
}

void expect_near_all(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-9) << "epoch " << i;
}

}  // namespace

TEST(CallbackReduceLROnPlateau, KerasDefaults) {
  callbacks::ReduceLROnPlateau cb;
  EXPECT_EQ(cb.monitor, "val_loss");
  EXPECT_EQ(cb.factor, 0.1);
  EXPECT_EQ(cb.patience, 10);
  EXPECT_EQ(cb.verbose, 0);
  EXPECT_EQ(cb.mode, "auto");
  EXPECT_EQ(cb.min_delta, 1e-4);
  EXPECT_EQ(cb.cooldown, 0);
  EXPECT_EQ(cb.min_lr, 0.0);
}

TEST(CallbackReduceLROnPlateau, FactorMustBeBelowOne) {
  EXPECT_THROW_CONTAINING(callbacks::ReduceLROnPlateau(factor = 1.0), keras::ValueError,
                    "ReduceLROnPlateau does not support a factor >= 1.0. Received factor=1.0");
  EXPECT_THROW_CONTAINING(callbacks::ReduceLROnPlateau(factor = 2.5), keras::ValueError, "Received factor=2.5");
}

TEST(CallbackReduceLROnPlateau, ReducesAfterPatienceWithCooldownAndMinLr) {
  Sequential model = compiled_model();
  callbacks::ReduceLROnPlateau cb(monitor = "loss", factor = 0.5, patience = 1, cooldown = 2, min_lr = 0.003);
  std::vector<double> logged;
  // A flat loss: reduce at epoch 1, cool down at 2, reduce at 3 (clipped to min_lr), cool down at 4, then stay.
  auto lrs = rates_after_epochs(cb, model, {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}, "loss", &logged);
  expect_near_all(lrs, {0.01, 0.005, 0.005, 0.003, 0.003, 0.003, 0.003});
  // logs["learning_rate"] is the rate when the epoch ended (before any reduction).
  expect_near_all(logged, {0.01, 0.01, 0.005, 0.005, 0.003, 0.003, 0.003});
}

TEST(CallbackReduceLROnPlateau, ImprovementResetsTheWait) {
  Sequential model = compiled_model();
  callbacks::ReduceLROnPlateau cb(monitor = "loss", factor = 0.1, patience = 2);
  // 1.0, 0.9 (better), 0.95 (wait 1), 0.8 (better), 0.85 (wait 1), 0.86 (wait 2: reduce).
  auto lrs = rates_after_epochs(cb, model, {1.0, 0.9, 0.95, 0.8, 0.85, 0.86});
  expect_near_all(lrs, {0.01, 0.01, 0.01, 0.01, 0.01, 0.001});
}

TEST(CallbackReduceLROnPlateau, MinDeltaIsTheSmallestImprovement) {
  Sequential model = compiled_model();
  callbacks::ReduceLROnPlateau cb(monitor = "loss", patience = 1, min_delta = 0.1);
  auto lrs = rates_after_epochs(cb, model, {1.0, 0.95});  // 0.05 better only: counts as a plateau
  expect_near_all(lrs, {0.01, 0.001});
}

TEST(CallbackReduceLROnPlateau, AutoModeIsMaxForAccuracies) {
  Sequential model = compiled_model();
  callbacks::ReduceLROnPlateau cb(monitor = "val_accuracy", patience = 1);
  auto lrs = rates_after_epochs(cb, model, {0.5, 0.7, 0.6}, "val_accuracy");
  expect_near_all(lrs, {0.01, 0.01, 0.001});
  Sequential other = compiled_model();
  callbacks::ReduceLROnPlateau loss_cb(monitor = "val_loss", patience = 1);
  expect_near_all(rates_after_epochs(loss_cb, other, {0.5, 0.7}, "val_loss"), {0.01, 0.001});
}

TEST(CallbackReduceLROnPlateau, VerboseMessage) {
  Sequential model = compiled_model();
  callbacks::ReduceLROnPlateau cb(monitor = "loss", patience = 0, verbose = 1);
  CaptureStream out(std::cout);
  rates_after_epochs(cb, model, {1.0, 1.0});
  EXPECT_EQ(out.str().rfind("\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.00", 0), 0u) << out.str();
}

TEST(CallbackReduceLROnPlateau, MissingMonitorWarns) {
  Sequential model = compiled_model();
  callbacks::ReduceLROnPlateau cb;
  CaptureStream err(std::cerr);
  auto lrs = rates_after_epochs(cb, model, {1.0}, "loss");
  EXPECT_NE(err.str().find("Learning rate reduction is conditioned on metric `val_loss` which is not available. "
                           "Available metrics are: learning_rate,loss."),
            std::string::npos)
      << err.str();
  expect_near_all(lrs, {0.01});
}

TEST(CallbackReduceLROnPlateau, NeedsACompiledModel) {
  Sequential model = tiny_model();
  callbacks::ReduceLROnPlateau cb(monitor = "loss");
  cb.set_model(&model);
  Logs logs{{"loss", 1.0}};
  EXPECT_THROW_CONTAINING(cb.on_epoch_end(0, logs), keras::ValueError, "has not been compiled");
}
