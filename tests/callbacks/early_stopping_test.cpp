#include "keras/callbacks/early_stopping.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "callbacks/callback_test_support.hpp"
#include "keras/callbacks/callbacks.hpp"
#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::CaptureStream;
using keras::test_support::tiny_model;

namespace {

// Feeds one value of `key` per epoch (with the model's kernel set to the epoch number first, to tell weights
// apart); returns the epoch at which the callback stopped training, or -1.
int stopped_epoch_for(Callback& cb, Model& model, const std::vector<double>& values, const std::string& key = "loss") {
  cb.set_model(&model);
  Logs logs;
  cb.on_train_begin(logs);
  int stopped = -1;
  for (size_t e = 0; e < values.size(); ++e) {
    model.set_weights({Tensor::full({2, 1}, static_cast<float>(e)), Tensor::full({1}, 0.0f)});
    Logs epoch_logs{{key, values[e]}};
    cb.on_epoch_end(static_cast<int>(e), epoch_logs);
    if (auto* es = dynamic_cast<callback_types::EarlyStopping*>(&cb); es && es->stopped_epoch > 0) {
      stopped = static_cast<int>(e);
      break;
    }
  }
  cb.on_train_end(logs);
  return stopped;
}

float kernel_value(const Model& model) { return model.get_weights().at(0).to_vector().at(0); }

}  // namespace

TEST(CallbackEarlyStopping, KerasDefaults) {
  callbacks::EarlyStopping es;
  EXPECT_EQ(es.monitor, "val_loss");
  EXPECT_EQ(es.min_delta, 0.0);
  EXPECT_EQ(es.patience, 0);
  EXPECT_EQ(es.verbose, 0);
  EXPECT_EQ(es.mode, "auto");
  EXPECT_FALSE(es.baseline.has_value());
  EXPECT_FALSE(es.restore_best_weights);
  EXPECT_EQ(es.start_from_epoch, 0);
}

TEST(CallbackEarlyStopping, MinModeWithPatience) {
  Sequential model = tiny_model();
  callbacks::EarlyStopping es(monitor = "loss", patience = 2);
  // 1.0 best, 0.9 best, 0.95 (wait 1), 0.93 (wait 2): stop at epoch 3.
  EXPECT_EQ(stopped_epoch_for(es, model, {1.0, 0.9, 0.95, 0.93, 0.8}), 3);
  EXPECT_EQ(es.stopped_epoch, 3);
  EXPECT_EQ(*es.best, 0.9);
  EXPECT_EQ(es.best_epoch, 1);
  EXPECT_EQ(es.wait, 2);
}

TEST(CallbackEarlyStopping, SetsModelStopTraining) {
  Sequential model = tiny_model();
  model.compile(optimizer = "sgd", loss = "mse");
  callbacks::EarlyStopping es(monitor = "loss");
  es.set_model(&model);
  Logs logs;
  es.on_train_begin(logs);
  Logs e0{{"loss", 1.0}}, e1{{"loss", 1.5}};
  es.on_epoch_end(0, e0);
  EXPECT_FALSE(static_cast<bool>(model.stop_training));
  es.on_epoch_end(1, e1);
  EXPECT_TRUE(static_cast<bool>(model.stop_training));
}

TEST(CallbackEarlyStopping, PatienceZeroStopsAtTheFirstWorseEpochButNeverAtEpochZero) {
  Sequential model = tiny_model();
  callbacks::EarlyStopping es(monitor = "loss");
  EXPECT_EQ(stopped_epoch_for(es, model, {1.0, 1.0, 0.5}), 1);  // equal is no improvement
}

TEST(CallbackEarlyStopping, MaxModeInferredFromTheName) {
  Sequential model = tiny_model();
  callbacks::EarlyStopping es(monitor = "val_accuracy", patience = 1);
  EXPECT_EQ(stopped_epoch_for(es, model, {0.5, 0.6, 0.55, 0.7}, "val_accuracy"), 2);
  EXPECT_EQ(*es.best, 0.6);

  callbacks::EarlyStopping explicit_max("val_custom", mode = "max", patience = 1);
  EXPECT_EQ(stopped_epoch_for(explicit_max, model, {0.5, 0.6, 0.55}, "val_custom"), 2);
  callbacks::EarlyStopping explicit_min("val_accuracy", mode = "min", patience = 0);
  EXPECT_EQ(stopped_epoch_for(explicit_min, model, {0.5, 0.6}, "val_accuracy"), 1);
}

TEST(CallbackEarlyStopping, AutoModeNeedsAKnownName) {
  Sequential model = tiny_model();
  callbacks::EarlyStopping es(monitor = "my_score");
  EXPECT_THROW_CONTAINING(stopped_epoch_for(es, model, {1.0}, "my_score"), keras::ValueError,
                    "EarlyStopping callback received monitor=my_score but Keras isn't able to automatically "
                    "determine whether that metric should be maximized or minimized.");
  // Names Keras knows the direction of, with the val_ prefix, a numbered metric or a multi-output prefix.
  for (const char* name : {"val_loss", "mae", "val_mse", "auc_1", "dense_1_accuracy", "precision", "out_loss"}) {
    callbacks::EarlyStopping known(monitor = name);
    EXPECT_NO_THROW(stopped_epoch_for(known, model, {1.0}, name)) << name;
  }
}

TEST(CallbackEarlyStopping, UnknownModeWarnsAndFallsBackToAuto) {
  CaptureStream err(std::cerr);
  callbacks::EarlyStopping es(mode = "bogus");
  EXPECT_EQ(es.mode, "auto");
  EXPECT_NE(err.str().find("EarlyStopping mode bogus is unknown, fallback to auto mode."), std::string::npos)
      << err.str();
}

TEST(CallbackEarlyStopping, MinDeltaIsAnAbsoluteThreshold) {
  Sequential model = tiny_model();
  callbacks::EarlyStopping es(monitor = "loss", min_delta = -0.1, patience = 1);
  EXPECT_EQ(es.min_delta, 0.1);
  // 0.95 is not better than 1.0 by more than 0.1.
  EXPECT_EQ(stopped_epoch_for(es, model, {1.0, 0.95, 0.5}), 1);
  callbacks::EarlyStopping up(monitor = "accuracy", min_delta = 0.1, patience = 1);
  EXPECT_EQ(stopped_epoch_for(up, model, {0.5, 0.65, 0.7}, "accuracy"), 2);  // 0.65 improves by 0.15, 0.7 by 0.05 only
}

TEST(CallbackEarlyStopping, BaselineMustBeBeaten) {
  Sequential model = tiny_model();
  // Improvements that do not beat the baseline do not restart the wait: stop at the first non-improving epoch
  // once `patience` epochs have passed.
  callbacks::EarlyStopping es(monitor = "loss", baseline = 0.5, patience = 2);
  EXPECT_EQ(stopped_epoch_for(es, model, {1.0, 0.9, 0.8, 0.85}), 3);
  // Beating the baseline restarts the wait as usual.
  callbacks::EarlyStopping beaten(monitor = "loss", baseline = 0.5, patience = 2);
  EXPECT_EQ(stopped_epoch_for(beaten, model, {0.4, 0.3, 0.35, 0.36, 0.37}), 3);
  // baseline = None means no baseline.
  callbacks::EarlyStopping none_baseline(monitor = "loss", baseline = None, patience = 1);
  EXPECT_FALSE(none_baseline.baseline.has_value());
}

TEST(CallbackEarlyStopping, StartFromEpochSkipsTheWarmUp) {
  Sequential model = tiny_model();
  callbacks::EarlyStopping es(monitor = "loss", start_from_epoch = 2);
  // Epochs 0 and 1 are not monitored, so the worsening does not count; epoch 2 sets the best.
  EXPECT_EQ(stopped_epoch_for(es, model, {1.0, 2.0, 3.0, 4.0}), 3);
  EXPECT_EQ(es.best_epoch, 2);
}

TEST(CallbackEarlyStopping, RestoresTheBestWeightsWhenStopping) {
  Sequential model = tiny_model();
  callbacks::EarlyStopping es(monitor = "loss", patience = 2, restore_best_weights = true, verbose = 1);
  CaptureStream out(std::cout);
  EXPECT_EQ(stopped_epoch_for(es, model, {1.0, 0.5, 0.7, 0.8, 0.1}), 3);
  EXPECT_EQ(es.best_epoch, 1);
  EXPECT_EQ(kernel_value(model), 1.0f);  // the weights set before epoch 1's end
  EXPECT_EQ(out.str(), "Epoch 4: early stopping\nRestoring model weights from the end of the best epoch: 2.\n");
}

TEST(CallbackEarlyStopping, RestoresTheBestWeightsAtTrainEndEvenWithoutStopping) {
  // Keras 3 restores at on_train_end whenever best weights were recorded.
  Sequential model = tiny_model();
  callbacks::EarlyStopping es(monitor = "loss", patience = 5, restore_best_weights = true);
  CaptureStream out(std::cout);
  EXPECT_EQ(stopped_epoch_for(es, model, {1.0, 0.5, 0.7}), -1);
  EXPECT_EQ(kernel_value(model), 1.0f);
  EXPECT_EQ(out.str(), "");  // verbose=0
}

TEST(CallbackEarlyStopping, MissingMonitorWarnsOnce) {
  Sequential model = tiny_model();
  callbacks::EarlyStopping es;
  CaptureStream err(std::cerr);
  es.set_model(&model);
  Logs logs;
  es.on_train_begin(logs);
  for (int e = 0; e < 3; ++e) {
    Logs epoch_logs{{"loss", 1.0}, {"accuracy", 0.5}};
    es.on_epoch_end(e, epoch_logs);
  }
  const std::string warning =
      "Early stopping conditioned on metric `val_loss` which is not available. Available metrics are: accuracy,loss";
  const std::string text = err.str();
  ASSERT_NE(text.find(warning), std::string::npos) << text;
  EXPECT_EQ(text.find(warning), text.rfind(warning)) << "warned more than once:\n" << text;
  EXPECT_EQ(es.stopped_epoch, 0);
}

TEST(CallbackEarlyStopping, ReusableAcrossTrainings) {
  Sequential model = tiny_model();
  callbacks::EarlyStopping es(monitor = "loss");
  EXPECT_EQ(stopped_epoch_for(es, model, {1.0, 2.0}), 1);
  EXPECT_EQ(stopped_epoch_for(es, model, {3.0, 2.0, 2.5}), 2);  // best and wait were reset by on_train_begin
}

TEST(CallbackEarlyStopping, StopsFit) {
  Sequential model = tiny_model();
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = Tensor::full({8, 2}, 1.0f), y = Tensor::full({8, 1}, 0.5f);
  // Nothing improves by a million: training stops after epoch 1 (never at epoch 0).
  callbacks::EarlyStopping es(monitor = "loss", min_delta = 1e6, patience = 0);
  History history = model.fit(x, y, epochs = 10, batch_size = 4, verbose = 0, callbacks = {es});
  EXPECT_EQ(history.epoch.size(), 2u);
  EXPECT_EQ(es.stopped_epoch, 1);
}
