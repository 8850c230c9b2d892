// BackupAndRestore: an interrupted fit() resumes from the backup with the weights, optimizer state and epoch it had,
// and ends where an uninterrupted run ends; backups within an epoch, the files Keras writes, the double checkpoint
// and Keras's argument errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::ScratchDir;

namespace {
namespace bar {

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

Sequential small_model() {
  utils::set_random_seed(21);
  Sequential m({Input(shape = {5}), layers::Dense(8, activation = "relu"), layers::Dense(3, activation = "softmax")});
  m.compile(optimizer = optimizers::Adam(0.01), loss = "sparse_categorical_crossentropy");
  return m;
}

struct Data {
  Tensor x, y;
};
Data data() {
  utils::set_random_seed(5);
  return {random::normal({40, 5}), random::randint(0, 3, {40})};
}

}  // namespace bar
}  // namespace

TEST(BackupAndRestore, InterruptedFitResumesWhereItStopped) {
  ScratchDir dir;
  const std::string backup = dir / "backup";
  bar::Data d = bar::data();
  // The reference: 5 epochs without interruption.
  Sequential reference = bar::small_model();
  reference.fit(d.x, d.y, epochs = 5, batch_size = 8, shuffle = false, verbose = 0);

  Sequential model = bar::small_model();
  auto stop_after_second = callbacks::LambdaCallback(on_epoch_end = [](int epoch, Logs&) {
    if (epoch == 1) throw bar::Interrupted();
  });
  EXPECT_THROW(model.fit(d.x, d.y, epochs = 5, batch_size = 8, shuffle = false, verbose = 0,
                         callbacks = {callbacks::BackupAndRestore(backup), stop_after_second}),
               bar::Interrupted);
  ASSERT_TRUE(std::filesystem::exists(dir / "backup/latest.weights.h5"));
  EXPECT_EQ(test_support::read_text(dir / "backup/training_metadata.json"), "{\"epoch\": 2, \"batch\": 0}");

  // A new process: a fresh model, the same backup directory.
  Sequential resumed = bar::small_model();
  History h = resumed.fit(d.x, d.y, epochs = 5, batch_size = 8, shuffle = false, verbose = 0,
                          callbacks = {callbacks::BackupAndRestore(backup)});
  EXPECT_EQ(h.epoch, (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(resumed.optimizer()->iterations(), reference.optimizer()->iterations());
  const auto a = resumed.get_weights(), b = reference.get_weights();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(max_abs_diff(a[i], b[i]), 0.0f) << "weight " << i;
  // Training finished: the backup is gone.
  EXPECT_FALSE(std::filesystem::exists(dir / "backup"));
}

TEST(BackupAndRestore, BackupWithinAnEpochResumesAtItsStart) {
  ScratchDir dir;
  const std::string backup = dir / "b";
  bar::Data d = bar::data();
  Sequential model = bar::small_model();
  auto stop = callbacks::LambdaCallback(on_train_batch_end = [](int batch, Logs&) {
    static int seen = 0;
    if (++seen == 8) throw bar::Interrupted();  // batch 2 of the second epoch (5 batches per epoch)
    (void)batch;
  });
  EXPECT_THROW(model.fit(d.x, d.y, epochs = 3, batch_size = 8, shuffle = false, verbose = 0,
                         callbacks = {callbacks::BackupAndRestore(backup, save_freq = 2), stop}),
               bar::Interrupted);
  // Every second batch, counted across epochs as Keras counts them: batches 1 and 3 of epoch 0, then 0 and 2 of
  // epoch 1, where it stopped; the epoch recorded is the number of epochs finished.
  EXPECT_EQ(test_support::read_text(dir / "b/training_metadata.json"), "{\"epoch\": 1, \"batch\": 2}");
  Sequential resumed = bar::small_model();
  History h = resumed.fit(d.x, d.y, epochs = 3, batch_size = 8, shuffle = false, verbose = 0,
                          callbacks = {callbacks::BackupAndRestore(backup, save_freq = "2", delete_checkpoint = false)});
  EXPECT_EQ(h.epoch, (std::vector<int>{1, 2}));
  EXPECT_TRUE(std::filesystem::exists(dir / "b/latest.weights.h5"));
  // With a batch frequency nothing is saved at an epoch's end: the last backup is batch 4 of epoch 2.
  EXPECT_EQ(test_support::read_text(dir / "b/training_metadata.json"), "{\"epoch\": 2, \"batch\": 4}");
}

TEST(BackupAndRestore, DoubleCheckpointFallsBackToThePreviousBackup) {
  ScratchDir dir;
  const std::string backup = dir / "d";
  bar::Data d = bar::data();
  Sequential model = bar::small_model();
  auto stop = callbacks::LambdaCallback(on_epoch_end = [](int epoch, Logs&) {
    if (epoch == 2) throw bar::Interrupted();
  });
  EXPECT_THROW(model.fit(d.x, d.y, epochs = 5, batch_size = 8, verbose = 0,
                         callbacks = {callbacks::BackupAndRestore(backup, double_checkpoint = true), stop}),
               bar::Interrupted);
  ASSERT_TRUE(std::filesystem::exists(dir / "d/latest.weights.h5.bkp"));
  EXPECT_EQ(test_support::read_text(dir / "d/training_metadata.json.bkp"), "{\"epoch\": 2, \"batch\": 0}");
  std::ofstream(dir / "d/latest.weights.h5", std::ios::trunc) << "not an HDF5 file";  // cut short
  Sequential resumed = bar::small_model();
  History h = resumed.fit(d.x, d.y, epochs = 5, batch_size = 8, verbose = 0,
                          callbacks = {callbacks::BackupAndRestore(backup, double_checkpoint = true)});
  EXPECT_EQ(h.epoch, (std::vector<int>{2, 3, 4}));
  // Without the double checkpoint a broken backup is an error, not a silent restart.
  model.fit(d.x, d.y, epochs = 1, batch_size = 8, verbose = 0,
            callbacks = {callbacks::BackupAndRestore(backup, delete_checkpoint = false)});
  std::ofstream(dir / "d/latest.weights.h5", std::ios::trunc) << "not an HDF5 file";
  EXPECT_ANY_THROW(resumed.fit(d.x, d.y, epochs = 2, batch_size = 8, verbose = 0,
                               callbacks = {callbacks::BackupAndRestore(backup)}));
}

TEST(BackupAndRestore, KerasArgumentErrors) {
  EXPECT_EQ(message_of([] { callbacks::BackupAndRestore(""); }).substr(0, 31), "Empty `backup_dir` argument pas");
  std::string m = message_of([] { callbacks::BackupAndRestore("/tmp/x", save_freq = "batch"); });
  EXPECT_EQ(m.substr(0, m.find('\n')),
            "Invalid value for argument `save_freq`. Received: save_freq=batch. Expected either 'epoch' or an integer "
            "value.");
  // Too many digits for an int: the same error, not std::out_of_range.
  EXPECT_NE(message_of([] { callbacks::BackupAndRestore("/tmp/x", save_freq = "99999999999"); })
                .find("Invalid value for argument `save_freq`"),
            std::string::npos);
}
