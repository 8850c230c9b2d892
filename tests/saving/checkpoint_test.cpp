// ModelCheckpoint writing real files through Model::save_weights / Model::save.
#include <gtest/gtest.h>

#include <filesystem>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::ScratchDir;

namespace {
Sequential relu_dense_model() {
  return Sequential({Input(shape = {3}), layers::Dense(4, activation = "relu"), layers::Dense(1)});
}
}  // namespace

TEST(SavingModelCheckpoint, WeightsOnlyFilesPerEpochAreLoadable) {
  ScratchDir dir;
  utils::set_random_seed(3);
  Sequential model = relu_dense_model();
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = random::normal({16, 3}), y = random::normal({16, 1});
  model.fit(x, y, epochs = 2, batch_size = 8, verbose = 0,
            callbacks = {callbacks::ModelCheckpoint(filepath = dir / "w.{epoch:02d}.weights.h5",
                                                    save_weights_only = true)});
  ASSERT_TRUE(std::filesystem::exists(dir / "w.01.weights.h5"));
  ASSERT_TRUE(std::filesystem::exists(dir / "w.02.weights.h5"));
  Sequential restored = relu_dense_model();
  restored.load_weights(dir / "w.02.weights.h5");
  EXPECT_EQ(max_abs_diff(restored.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  Sequential first = relu_dense_model();
  first.load_weights(dir / "w.01.weights.h5");
  EXPECT_GT(max_abs_diff(first.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
}

TEST(SavingModelCheckpoint, KerasFilesAreLoadable) {
  ScratchDir dir;
  utils::set_random_seed(4);
  Sequential model = relu_dense_model();
  model.compile(optimizer = "adam", loss = "mse");
  Tensor x = random::normal({16, 3}), y = random::normal({16, 1});
  model.fit(x, y, epochs = 2, batch_size = 8, verbose = 0, validation_split = 0.25,
            callbacks = {callbacks::ModelCheckpoint(dir / "ckpt/best.keras", save_best_only = true)});
  ASSERT_TRUE(std::filesystem::exists(dir / "ckpt/best.keras"));
  Model loaded = saving::load_model(dir / "ckpt/best.keras");
  EXPECT_TRUE(loaded.compiled());
  EXPECT_EQ(loaded.summary_string(), model.summary_string());
}
