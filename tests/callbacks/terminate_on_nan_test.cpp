#include "keras/callbacks/terminate_on_nan.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "callbacks/callback_test_support.hpp"
#include "keras/callbacks/callbacks.hpp"
#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::CaptureStream;
using keras::test_support::tiny_model;

TEST(CallbackTerminateOnNaN, StopsOnNaNLoss) {
  Sequential model = tiny_model();
  model.compile(optimizer = "sgd", loss = "mse");
  callbacks::TerminateOnNaN cb;
  cb.set_model(&model);
  CaptureStream out(std::cout);
  Logs ok{{"loss", 0.5}};
  cb.on_train_batch_end(0, ok);
  EXPECT_EQ(out.str(), "");
  EXPECT_FALSE(static_cast<bool>(model.stop_training));
  Logs bad{{"loss", std::nan("")}};
  cb.on_train_batch_end(3, bad);
  EXPECT_EQ(out.str(), "Batch 3: Invalid loss, terminating training\n");
  EXPECT_TRUE(static_cast<bool>(model.stop_training));
}

TEST(CallbackTerminateOnNaN, StopsOnInfiniteLossAndIgnoresOtherKeys) {
  Sequential model = tiny_model();
  callbacks::TerminateOnNaN cb;
  cb.set_model(&model);
  CaptureStream out(std::cout);
  Logs other{{"accuracy", std::nan("")}};
  cb.on_train_batch_end(0, other);
  EXPECT_EQ(out.str(), "");
  Logs inf{{"loss", -std::numeric_limits<double>::infinity()}};
  cb.on_train_batch_end(7, inf);
  EXPECT_EQ(out.str(), "Batch 7: Invalid loss, terminating training\n");
}

TEST(CallbackTerminateOnNaN, RaiseError) {
  Sequential model = tiny_model();
  callbacks::TerminateOnNaN cb(raise_error = true);
  cb.set_model(&model);
  Logs bad{{"loss", std::nan("")}};
  EXPECT_THROW_CONTAINING(cb.on_train_batch_end(2, bad), std::runtime_error,
                          "NaN or Inf loss encountered at batch 2. Loss value: nan. Terminating training immediately.");
}

TEST(CallbackTerminateOnNaN, StopsFit) {
  Sequential model = tiny_model();
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = Tensor::full({8, 2}, 1.0f), y = Tensor::full({8, 1}, std::numeric_limits<float>::quiet_NaN());
  CaptureStream out(std::cout);
  History history = model.fit(x, y, epochs = 5, batch_size = 2, verbose = 0, callbacks = {callbacks::TerminateOnNaN()});
  EXPECT_EQ(history.epoch.size(), 1u);
  EXPECT_EQ(out.str(), "Batch 0: Invalid loss, terminating training\n");
}
