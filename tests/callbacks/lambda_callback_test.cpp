#include "keras/callbacks/lambda_callback.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "callbacks/callback_test_support.hpp"
#include "keras/callbacks/callbacks.hpp"
#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::tiny_model;

TEST(CallbackLambdaCallback, CallsTheGivenFunctions) {
  std::vector<std::string> calls;
  callbacks::LambdaCallback cb(
      on_train_begin = [&](Logs&) { calls.push_back("train_begin"); },
      on_epoch_begin = [&](int epoch, Logs&) { calls.push_back("epoch_begin " + std::to_string(epoch)); },
      on_train_batch_begin = [&](int batch, const Logs&) { calls.push_back("batch_begin " + std::to_string(batch)); },
      on_train_batch_end = [&](int batch, Logs logs) {
        calls.push_back("batch_end " + std::to_string(batch) + " " + std::to_string(logs.count("loss")));
      },
      on_epoch_end = [&](int epoch, Logs& logs) {
        logs["seen"] = epoch;  // changes are visible to the callbacks after this one
        calls.push_back("epoch_end " + std::to_string(epoch));
      },
      on_train_end = [&](const Logs&) { calls.push_back("train_end"); });
  Logs logs;
  cb.on_train_begin(logs);
  cb.on_epoch_begin(0, logs);
  cb.on_train_batch_begin(0, logs);
  Logs batch{{"loss", 1.0}};
  cb.on_train_batch_end(0, batch);
  Logs epoch_logs;
  cb.on_epoch_end(0, epoch_logs);
  cb.on_train_end(logs);
  EXPECT_EQ(calls, (std::vector<std::string>{"train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0 1",
                                             "epoch_end 0", "train_end"}));
  EXPECT_EQ(epoch_logs.at("seen"), 0.0);
}

TEST(CallbackLambdaCallback, UnsetHooksDoNothing) {
  int ends = 0;
  callbacks::LambdaCallback cb(on_epoch_end = [&](int, Logs&) { ++ends; });
  Logs logs;
  cb.on_train_begin(logs);
  cb.on_epoch_begin(0, logs);
  cb.on_train_batch_begin(0, logs);
  cb.on_train_batch_end(0, logs);
  cb.on_epoch_end(0, logs);
  cb.on_train_end(logs);
  EXPECT_EQ(ends, 1);
  callbacks::LambdaCallback empty;
  EXPECT_NO_THROW(empty.on_epoch_end(0, logs));
}

TEST(CallbackLambdaCallback, InFit) {
  Sequential model = tiny_model();
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = Tensor::full({6, 2}, 1.0f), y = Tensor::full({6, 1}, 0.5f);
  int batches = 0;
  std::vector<int> epochs_seen;
  History history = model.fit(
      x, y, epochs = 2, batch_size = 2, verbose = 0,
      callbacks = {callbacks::LambdaCallback(on_train_batch_end = [&](int, Logs&) { ++batches; },
                                             on_epoch_end = [&](int epoch, Logs&) { epochs_seen.push_back(epoch); })});
  EXPECT_EQ(batches, 6);
  EXPECT_EQ(epochs_seen, (std::vector<int>{0, 1}));
}

TEST(CallbackLambdaCallback, FitValidatesThroughTheTestHooks) {
  // Keras 3's fit() validates by calling evaluate() with its callbacks: on_test_begin, each test batch and
  // on_test_end run (with the un-prefixed names) before the epoch ends.
  Sequential model = tiny_model();
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = Tensor::zeros({8, 2}), y = Tensor::zeros({8, 1});
  std::vector<std::string> calls;
  callbacks::LambdaCallback spy(
      on_test_begin = [&](Logs&) { calls.push_back("test_begin"); },
      on_test_batch_end = [&](int batch, Logs&) { calls.push_back("test_batch " + std::to_string(batch)); },
      on_test_end = [&](Logs& logs) {
        calls.push_back("test_end " + std::to_string(logs.count("loss")) + std::to_string(logs.count("val_loss")));
      },
      on_epoch_end = [&](int, Logs& logs) { calls.push_back("epoch_end " + std::to_string(logs.count("val_loss"))); });
  model.fit(x, y, epochs = 2, validation_split = 0.5, validation_batch_size = 2, verbose = 0, callbacks = {spy});
  const std::vector<std::string> epoch{"test_begin", "test_batch 0", "test_batch 1", "test_end 10", "epoch_end 1"};
  std::vector<std::string> expected = epoch;
  expected.insert(expected.end(), epoch.begin(), epoch.end());
  EXPECT_EQ(calls, expected);
  // The predict hooks too (Keras's **kwargs).
  int predicted = 0;
  callbacks::LambdaCallback on_predict(on_predict_batch_end = [&](int, Logs&) { ++predicted; });
  model.predict(x, batch_size = 4, verbose = 0, callbacks = {on_predict});
  EXPECT_EQ(predicted, 2);
}
