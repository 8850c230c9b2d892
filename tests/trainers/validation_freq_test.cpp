// fit(validation_freq=) as Keras 3's Trainer._should_eval: every n-th epoch counted from 1 (initial_epoch included),
// or a list of epochs.
#include <gtest/gtest.h>

#include <vector>

#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

// The epochs (0-based, as History counts) whose logs have val_loss: CSVLogger-like, from a LambdaCallback.
std::vector<int> validated_epochs(const kw::KwArg<kw::validation_freq_t>& freq, int initial = 0, int total = 6) {
  Sequential model({layers::Dense(1, input_shape = {2})});
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = random::normal({8, 2}), y = random::normal({8, 1});
  std::vector<int> out;
  callbacks::LambdaCallback record(on_epoch_end = [&out](int epoch, Logs& logs) {
    if (logs.count("val_loss")) out.push_back(epoch);
  });
  model.fit(x, y, validation_data = {x, y}, freq, initial_epoch = initial, epochs = total, verbose = 0,
            callbacks = {record});
  return out;
}

}  // namespace

TEST(ValidationFreq, EveryNthEpochCountedFromOne) {
  EXPECT_EQ(validated_epochs(validation_freq = 1), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(validated_epochs(validation_freq = 2), (std::vector<int>{1, 3, 5}));
  // Resuming at epoch 3 (0-based) keeps Keras's absolute count: epochs 4 and 6 (1-based), not 3 + 2.
  EXPECT_EQ(validated_epochs(validation_freq = 2, 3), (std::vector<int>{3, 5}));
  EXPECT_EQ(validated_epochs(validation_freq = 3, 3), (std::vector<int>{5}));
}

TEST(ValidationFreq, ListOfEpochs) {
  EXPECT_EQ(validated_epochs(validation_freq = {1, 4, 6}), (std::vector<int>{0, 3, 5}));
  EXPECT_EQ(validated_epochs(validation_freq = std::vector<int>{}), (std::vector<int>{}));
}

TEST(ValidationFreq, NotPositive) {
  keras::test_support::expect_error_says(
      [] { validated_epochs(validation_freq = 0); },
      {"Invalid value for argument `validation_freq`: 0. Expected a positive integer or a list of epochs."});
}
