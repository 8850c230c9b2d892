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
