// fit(steps_per_epoch=) as Keras 3's EpochIterator: a pass over the data goes on across epochs, and an epoch that
// reaches the end of a pass first ends there with Keras's warning.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

// Predicts 0 and never learns (SGD with learning rate 0): the mse of a batch is the mean of its targets squared.
Sequential frozen_zero_model() {
  Sequential model({layers::Dense(1, input_shape = {1}, kernel_initializer = "zeros")});
  model.compile(optimizer = optimizers::SGD(learning_rate = 0.0), loss = "mse");
  return model;
}

// Five batches; records the index of every batch fit reads and counts the epochs it was told of.
struct RecordingBatches : utils::Dataset {
  std::vector<int64_t> read;
  int epochs_ended = 0;
  int64_t size() const override { return 5; }
  utils::Batch get(int64_t i) override {
    read.push_back(i);
    return {Tensor::zeros({2, 1}), Tensor::full({2, 1}, static_cast<float>(i)), {}};
  }
  void on_epoch_end() override { ++epochs_ended; }
};

const char* const kRanOut = "Your input ran out of data; interrupting training.";

}  // namespace

TEST(StepsPerEpoch, ArraysGoOnWhereTheLastEpochStopped) {
  Sequential model = frozen_zero_model();
  Tensor x = Tensor::zeros({10, 1});
  Tensor y({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {10, 1});  // five batches of two
  ::testing::internal::CaptureStderr();
  History h = model.fit(x, y, batch_size = 2, steps_per_epoch = 2, epochs = 4, shuffle = false, verbose = 0);
  const std::string err = ::testing::internal::GetCapturedStderr();
  const auto& loss = h.history.at("loss");
  ASSERT_EQ(loss.size(), 4u);
  EXPECT_NEAR(loss[0], (0 + 1 + 4 + 9) / 4.0, 1e-5);      // batches 0 and 1
  EXPECT_NEAR(loss[1], (16 + 25 + 36 + 49) / 4.0, 1e-5);  // batches 2 and 3, not 0 and 1 again
  EXPECT_NEAR(loss[2], (64 + 81) / 2.0, 1e-5);            // batch 4: the pass ran out after one step
  EXPECT_NEAR(loss[3], (0 + 1 + 4 + 9) / 4.0, 1e-5);      // a new pass
  EXPECT_NE(err.find(kRanOut), std::string::npos) << err;
}

TEST(StepsPerEpoch, DatasetGoesOnAndEveryEpochEnds) {
  RecordingBatches data;
  Sequential model = frozen_zero_model();
  ::testing::internal::CaptureStderr();
  History h = model.fit(data, steps_per_epoch = 2, epochs = 4, shuffle = false, verbose = 0);
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(data.read, (std::vector<int64_t>{0, 1, 2, 3, 4, 0, 1}));
  EXPECT_EQ(data.epochs_ended, 4);
  EXPECT_EQ(h.params.steps, 2);
}

TEST(StepsPerEpoch, ShuffledPassCoversEveryBatchOnce) {
  RecordingBatches data;
  Sequential model = frozen_zero_model();
  ::testing::internal::CaptureStderr();
  model.fit(data, steps_per_epoch = 2, epochs = 3, verbose = 0);  // one shuffled pass over three epochs
  ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(data.read.size(), 5u);
  std::vector<int64_t> sorted = data.read;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

TEST(StepsPerEpoch, WholePassesNeedNoWarning) {
  // steps_per_epoch equal to the batches of a pass: every epoch is one pass; larger: each epoch runs out (warned).
  RecordingBatches data;
  Sequential model = frozen_zero_model();
  ::testing::internal::CaptureStderr();
  model.fit(data, steps_per_epoch = 5, epochs = 2, shuffle = false, verbose = 0);
  EXPECT_EQ(::testing::internal::GetCapturedStderr().find(kRanOut), std::string::npos);
  EXPECT_EQ(data.read.size(), 10u);
  Tensor x = Tensor::zeros({4, 1}), y({1, 1, 1, 1}, {4, 1});
  History h = model.fit(x, y, batch_size = 2, steps_per_epoch = 7, epochs = 2, verbose = 0);
  EXPECT_EQ(h.history.at("loss").size(), 2u);
  EXPECT_EQ(h.params.steps, 7);
  // steps_per_epoch <= 0 counts as not given, as Keras reads it.
  History none = model.fit(x, y, batch_size = 2, steps_per_epoch = 0, verbose = 0);
  EXPECT_EQ(none.params.steps, 2);
}
