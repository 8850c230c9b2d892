#include "keras/callbacks/model_checkpoint.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "callbacks/callback_test_support.hpp"
#include "keras/callbacks/callbacks.hpp"
#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::CaptureStream;
using keras::test_support::ScratchDir;
using keras::test_support::tiny_model;

namespace {

struct Saved {
  std::string path;
  bool weights_only;
};

// Replaces the checkpoint's saving with a recorder.
std::vector<Saved>& record(callback_types::ModelCheckpoint& ckpt) {
  auto saved = std::make_shared<std::vector<Saved>>();
  ckpt.saver = [saved](Model&, const std::string& path, bool weights_only) { saved->push_back({path, weights_only}); };
  static std::vector<std::shared_ptr<std::vector<Saved>>> keep;
  keep.push_back(saved);
  return *saved;
}

// Runs epochs with one value of `key` each.
void run_epochs(Callback& cb, Model& model, const std::vector<double>& values, const std::string& key = "val_loss") {
  cb.set_model(&model);
  Logs logs;
  cb.on_train_begin(logs);
  for (size_t e = 0; e < values.size(); ++e) {
    Logs epoch_logs{{key, values[e]}, {"loss", 0.5}};
    cb.on_epoch_begin(static_cast<int>(e), logs);
    cb.on_epoch_end(static_cast<int>(e), epoch_logs);
  }
  cb.on_train_end(logs);
}

std::vector<std::string> paths(const std::vector<Saved>& saved) {
  std::vector<std::string> out;
  for (const auto& s : saved) out.push_back(s.path);
  return out;
}

}  // namespace

TEST(CallbackModelCheckpoint, KerasDefaults) {
  callbacks::ModelCheckpoint ckpt("model.keras");
  EXPECT_EQ(ckpt.filepath, "model.keras");
  EXPECT_EQ(ckpt.monitor, "val_loss");
  EXPECT_EQ(ckpt.verbose, 0);
  EXPECT_FALSE(ckpt.save_best_only);
  EXPECT_FALSE(ckpt.save_weights_only);
  EXPECT_EQ(ckpt.mode, "auto");
  EXPECT_FALSE(ckpt.save_freq.has_value());  // "epoch"
  EXPECT_TRUE(static_cast<bool>(ckpt.saver));
}

TEST(CallbackModelCheckpoint, FormatsThePathWithEpochAndLogs) {
  callbacks::ModelCheckpoint ckpt(filepath = "ckpt/{epoch:02d}-{val_loss:.2f}.keras");
  EXPECT_EQ(ckpt.file_path(0, -1, {{"val_loss", 0.12345}, {"loss", 0.5}}), "ckpt/01-0.12.keras");
  EXPECT_EQ(ckpt.file_path(11, -1, {{"val_loss", 1.0 / 3}}), "ckpt/12-0.33.keras");
  callbacks::ModelCheckpoint plain("run/weights.{epoch}-{loss}.weights.h5", save_weights_only = true);
  EXPECT_EQ(plain.file_path(2, -1, {{"loss", 0.25}}), "run/weights.3-0.25.weights.h5");
  callbacks::ModelCheckpoint batch("b{batch:03d}_e{epoch}.keras");
  EXPECT_EQ(batch.file_path(0, 4, {}), "b005_e1.keras");
}

TEST(CallbackModelCheckpoint, MissingPlaceholderIsAnError) {
  callbacks::ModelCheckpoint ckpt("x/{val_acc:.2f}.keras");
  EXPECT_THROW_CONTAINING(ckpt.file_path(0, -1, {{"loss", 0.5}}), keras::ValueError,
                    "Failed to format this callback filepath: \"x/{val_acc:.2f}.keras\". Reason: 'val_acc'",
                    "epoch, loss");
}

TEST(CallbackModelCheckpoint, FilepathExtensionsAreChecked) {
  EXPECT_THROW_CONTAINING(callbacks::ModelCheckpoint("m.keras", save_weights_only = true), keras::ValueError,
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end in "
                    "`.weights.h5` (Keras weights format). Received: filepath=m.keras");
  EXPECT_THROW_CONTAINING(callbacks::ModelCheckpoint("m.ckpt"), keras::ValueError,
                    "The filepath provided must end in `.keras` (Keras model format). Received: filepath=m.ckpt");
  EXPECT_NO_THROW(callbacks::ModelCheckpoint("legacy.h5"));
  EXPECT_THROW_CONTAINING(callbacks::ModelCheckpoint("m.keras", save_freq = "often"), keras::ValueError,
                    "Unrecognized save_freq: often. Expected save_freq are 'epoch' or integer values");
}

TEST(CallbackModelCheckpoint, SavesEveryEpochByDefault) {
  Sequential model = tiny_model();
  callbacks::ModelCheckpoint ckpt("m-{epoch:02d}.keras", verbose = 1);
  auto& saved = record(ckpt);
  CaptureStream out(std::cout);
  run_epochs(ckpt, model, {0.5, 0.6, 0.4});
  EXPECT_EQ(paths(saved), (std::vector<std::string>{"m-01.keras", "m-02.keras", "m-03.keras"}));
  EXPECT_FALSE(saved[0].weights_only);
  EXPECT_EQ(out.str(), "\nEpoch 1: saving model to m-01.keras\n\nEpoch 2: saving model to m-02.keras\n"
                       "\nEpoch 3: saving model to m-03.keras\n");
}

TEST(CallbackModelCheckpoint, SaveBestOnlyMinMode) {
  Sequential model = tiny_model();
  callbacks::ModelCheckpoint ckpt("best.keras", save_best_only = true, verbose = 1);
  auto& saved = record(ckpt);
  CaptureStream out(std::cout);
  run_epochs(ckpt, model, {0.5, 0.6, 0.4, 0.4});
  EXPECT_EQ(saved.size(), 2u);  // epochs 1 and 3
  EXPECT_EQ(*ckpt.best, 0.4);
  EXPECT_EQ(out.str(),
            "\nEpoch 1: val_loss improved from inf to 0.50000, saving model to best.keras\n"
            "\nEpoch 2: val_loss did not improve from 0.50000\n"
            "\nEpoch 3: val_loss improved from 0.50000 to 0.40000, saving model to best.keras\n"
            "\nEpoch 4: val_loss did not improve from 0.40000\n");
}

TEST(CallbackModelCheckpoint, SaveBestOnlyMaxModeFromTheName) {
  Sequential model = tiny_model();
  callbacks::ModelCheckpoint ckpt("e{epoch}.weights.h5", monitor = "val_accuracy", save_best_only = true,
                                  save_weights_only = true);
  auto& saved = record(ckpt);
  run_epochs(ckpt, model, {0.5, 0.4, 0.7, 0.6}, "val_accuracy");
  EXPECT_EQ(paths(saved), (std::vector<std::string>{"e1.weights.h5", "e3.weights.h5"}));
  EXPECT_TRUE(saved[0].weights_only);
}

TEST(CallbackModelCheckpoint, InitialValueThreshold) {
  Sequential model = tiny_model();
  callbacks::ModelCheckpoint ckpt("m.keras", save_best_only = true, initial_value_threshold = 0.3, verbose = 1);
  auto& saved = record(ckpt);
  CaptureStream out(std::cout);
  run_epochs(ckpt, model, {0.5, 0.2});
  EXPECT_EQ(saved.size(), 1u);
  EXPECT_NE(out.str().find("\nEpoch 1: val_loss did not improve from 0.30000\n"), std::string::npos) << out.str();
}

TEST(CallbackModelCheckpoint, MissingMonitorWarnsAndSaves) {
  Sequential model = tiny_model();
  callbacks::ModelCheckpoint ckpt("m.keras", monitor = "val_mae", save_best_only = true);
  auto& saved = record(ckpt);
  CaptureStream err(std::cerr);
  run_epochs(ckpt, model, {0.5, 0.6});  // logs have val_loss and loss only
  EXPECT_EQ(saved.size(), 2u);
  EXPECT_NE(err.str().find("Can save best model only with val_mae available."), std::string::npos) << err.str();
}

TEST(CallbackModelCheckpoint, SavesEveryNBatches) {
  Sequential model = tiny_model();
  callbacks::ModelCheckpoint ckpt("e{epoch}-b{batch}.keras", save_freq = 2);  // as Keras takes it; "2" too
  EXPECT_EQ(*ckpt.save_freq, 2);
  EXPECT_EQ(*callbacks::ModelCheckpoint("m.keras", save_freq = "3").save_freq, 3);
  auto& saved = record(ckpt);
  ckpt.set_model(&model);
  Logs logs;
  ckpt.on_train_begin(logs);
  for (int e = 0; e < 2; ++e) {
    ckpt.on_epoch_begin(e, logs);
    for (int b = 0; b < 5; ++b) {
      Logs batch_logs{{"loss", 0.5}};
      ckpt.on_train_batch_end(b, batch_logs);
    }
    Logs epoch_logs{{"loss", 0.5}, {"val_loss", 0.4}};
    ckpt.on_epoch_end(e, epoch_logs);  // no saving at epoch end
  }
  // Batches counted across epochs: 2 and 4 of epoch 1, then 1 (the 6th), 3 and 5 of epoch 2.
  EXPECT_EQ(paths(saved), (std::vector<std::string>{"e1-b2.keras", "e1-b4.keras", "e2-b1.keras", "e2-b3.keras",
                                                    "e2-b5.keras"}));
}

TEST(CallbackModelCheckpoint, CreatesTheDirectory) {
  ScratchDir dir;
  Sequential model = tiny_model();
  callbacks::ModelCheckpoint ckpt(dir / "a/b/{epoch}.keras");
  auto& saved = record(ckpt);
  run_epochs(ckpt, model, {0.5});
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "a" / "b"));
  EXPECT_EQ(saved[0].path, dir / "a/b/1.keras");
}

TEST(CallbackModelCheckpoint, AutoModeNeedsAKnownName) {
  Sequential model = tiny_model();
  callbacks::ModelCheckpoint ckpt("m.keras", monitor = "score");
  record(ckpt);
  EXPECT_THROW_CONTAINING(run_epochs(ckpt, model, {0.5}, "score"), keras::ValueError,
                    "ModelCheckpoint callback received monitor=score, but Keras isn't able to automatically "
                    "determine whether that metric should be maximized or minimized.");
}
