#include "keras/callbacks/csv_logger.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "callbacks/callback_test_support.hpp"
#include "keras/callbacks/callbacks.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::read_text;
using keras::test_support::ScratchDir;

namespace {
void log_epochs(Callback& cb, const std::vector<Logs>& epochs) {
  Logs logs;
  cb.on_train_begin(logs);
  for (size_t e = 0; e < epochs.size(); ++e) {
    Logs epoch_logs = epochs[e];
    cb.on_epoch_end(static_cast<int>(e), epoch_logs);
  }
  cb.on_train_end(logs);
}
}  // namespace

TEST(CallbackCSVLogger, KerasDefaults) {
  callbacks::CSVLogger csv("log.csv");
  EXPECT_EQ(csv.filename, "log.csv");
  EXPECT_EQ(csv.separator, ",");
  EXPECT_FALSE(csv.append);
}

TEST(CallbackCSVLogger, HeaderAndOneRowPerEpoch) {
  ScratchDir dir;
  const std::string path = dir / "training.log";
  callbacks::CSVLogger csv(path);
  log_epochs(csv, {{{"loss", 0.5}, {"val_loss", 0.25}, {"accuracy", 0.75}, {"val_accuracy", 1.0}},
                   {{"loss", 0.1}, {"val_loss", 1e-05}, {"accuracy", 100.0}, {"val_accuracy", 0.30000000000000004}}});
  // Sorted keys, 0-based epochs, Python's str(float), csv's "\r\n" line ends.
  EXPECT_EQ(read_text(path),
            "epoch,accuracy,loss,val_accuracy,val_loss\r\n"
            "0,0.75,0.5,1.0,0.25\r\n"
            "1,100.0,0.1,0.30000000000000004,1e-05\r\n");
}

TEST(CallbackCSVLogger, AddsValidationColumnsWhenTheFirstEpochHasNone) {
  ScratchDir dir;
  const std::string path = dir / "log.csv";
  callbacks::CSVLogger csv(filename = path);
  log_epochs(csv,
             {{{"loss", 0.5}, {"mae", 2.0}}, {{"loss", 0.25}, {"mae", 1.5}, {"val_loss", 0.125}, {"val_mae", 3.0}}});
  EXPECT_EQ(read_text(path),
            "epoch,loss,mae,val_loss,val_mae\r\n"
            "0,0.5,2.0,NA,NA\r\n"
            "1,0.25,1.5,0.125,3.0\r\n");
}

TEST(CallbackCSVLogger, MissingKeysAreNAAndNewKeysIgnored) {
  ScratchDir dir;
  const std::string path = dir / "log.csv";
  callbacks::CSVLogger csv(path);
  log_epochs(csv, {{{"loss", 0.5}, {"val_loss", 0.5}}, {{"loss", 0.25}, {"extra", 1.0}}});
  EXPECT_EQ(read_text(path), "epoch,loss,val_loss\r\n0,0.5,0.5\r\n1,0.25,NA\r\n");
}

TEST(CallbackCSVLogger, SeparatorAndAppend) {
  ScratchDir dir;
  const std::string path = dir / "log.csv";
  callbacks::CSVLogger first(path, separator = ";", append = true);  // appending to a missing file: header
  log_epochs(first, {{{"loss", 0.5}}});
  callbacks::CSVLogger second(path, separator = ";", append = true);
  log_epochs(second, {{{"loss", 0.25}}});
  EXPECT_EQ(read_text(path), "epoch;loss;val_loss\r\n0;0.5;NA\r\n0;0.25;NA\r\n");
  callbacks::CSVLogger overwrite(path);
  log_epochs(overwrite, {{{"loss", 0.125}}});
  EXPECT_EQ(read_text(path), "epoch,loss,val_loss\r\n0,0.125,NA\r\n");
}

TEST(CallbackCSVLogger, QuotesFieldsHoldingTheSeparator) {
  ScratchDir dir;
  const std::string path = dir / "log.csv";
  callbacks::CSVLogger csv(path);
  log_epochs(csv, {{{"a,b", 1.0}, {"val_x\"y", 2.0}}});
  EXPECT_EQ(read_text(path), "epoch,\"a,b\",\"val_x\"\"y\"\r\n0,1.0,2.0\r\n");
}

TEST(CallbackCSVLogger, SeparatorMustBeOneCharacter) {
  EXPECT_THROW_CONTAINING(callbacks::CSVLogger("log.csv", separator = ", "), keras::ValueError,
                          "\"delimiter\" must be a 1-character string");
}

TEST(CallbackCSVLogger, UnwritablePathIsAnError) {
  ScratchDir dir;
  callbacks::CSVLogger csv(dir / "missing/dir/log.csv");
  Logs logs;
  EXPECT_THROW_CONTAINING(csv.on_train_begin(logs), keras::ValueError, "No such file or directory");
}
