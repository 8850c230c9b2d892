// keras.losses.LossFunctionWrapper and compile(loss=fn): a loss written with keras::ops, differentiated by keraspp.
#include <gtest/gtest.h>

#include <algorithm>

#include "keras/keras.hpp"
#include "callbacks/callback_test_support.hpp"
#include "losses/loss_gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

namespace loss_function_wrapper_test {

Tensor my_mse(const Tensor& y_true, const Tensor& y_pred) { return ops::mean(ops::square(y_true - y_pred), -1); }

}  // namespace loss_function_wrapper_test

using namespace loss_function_wrapper_test;

TEST(LossFunctionWrapper, ReducesAndWeighsAsKerasBuiltIns) {
  utils::set_random_seed(23);
  const Tensor y_true = random::normal({6, 3}), y_pred = random::normal({6, 3});
  const Tensor weights({1, 0, 2, 0.5f, 1, 3}, {6});
  for (const char* reduction : {"sum_over_batch_size", "sum", "mean_with_sample_weight"}) {
    SCOPED_TRACE(reduction);
    losses::LossFunctionWrapper mine(my_mse, kw::reduction = reduction);
    losses::MeanSquaredError builtin(kw::reduction = reduction);
    // float32 ops against the built-in's double arithmetic: equal to float precision.
    const double plain = builtin(y_true, y_pred), weighted = builtin(y_true, y_pred, weights);
    EXPECT_NEAR(mine(y_true, y_pred), plain, 1e-6 * std::max(1.0, plain));
    EXPECT_NEAR(mine(y_true, y_pred, weights), weighted, 1e-6 * std::max(1.0, weighted));
    kt::expect_gradient(mine, y_true, y_pred, &weights, false, 2e-3);
  }
  EXPECT_EQ(losses::LossFunctionWrapper(my_mse).name(), "loss_function_wrapper");  // Loss's default for no __name__
  EXPECT_EQ(losses::LossFunctionWrapper(my_mse, kw::name = "my_mse").name(), "my_mse");
  // Keras's wrapper aligns the ranks first: targets (6,) against outputs (6, 1).
  losses::LossFunctionWrapper absolute([](const Tensor& t, const Tensor& p) { return ops::mean(ops::abs(t - p), -1); });
  EXPECT_NEAR(absolute(Tensor({1, 2}, {2}), Tensor({0, 4}, {2, 1})), 1.5, 1e-6);
  // A per-element loss (no reduction inside) is reduced over every element, as Keras's reduce_weighted_values.
  losses::LossFunctionWrapper elementwise([](const Tensor& t, const Tensor& p) { return ops::square(t - p); });
  EXPECT_NEAR(elementwise(y_true, y_pred), losses::MeanSquaredError()(y_true, y_pred), 1e-6);
}

TEST(LossFunctionWrapper, CompileTakesAFunctionAndTrains) {
  utils::set_random_seed(27);  // the data too: ctest runs each test in a process of its own
  const Tensor x = random::normal({64, 4});
  Tensor y = Tensor::empty({64, 1});
  for (int i = 0; i < 64; ++i) y.data()[i] = x.at({i, 0}) - 0.5f * x.at({i, 3});
  auto train = [&](const LossArg& loss) {
    utils::set_random_seed(29);
    Sequential model({layers::Input({4}), layers::Dense(8, activation = "tanh"), layers::Dense(1)});
    model.compile(optimizer = optimizers::Adam(learning_rate = 0.01), kw::loss = loss);
    return model.fit(x, y, epochs = 20, batch_size = 16, shuffle = false, verbose = 0).history.at("loss");
  };
  const auto by_function = train(my_mse);
  const auto by_name = train("mse");
  ASSERT_EQ(by_function.size(), by_name.size());
  for (size_t e = 0; e < by_name.size(); ++e) EXPECT_NEAR(by_function[e], by_name[e], 1e-4 * by_name[e]) << e;
  EXPECT_LT(by_function.back(), 0.5 * by_function.front());
  // One function per output of a two-output model.
  auto in = Input(shape = {4});
  auto h = layers::Dense(8, activation = "relu")(in);
  Model two(in, std::vector<KerasTensor>{layers::Dense(1, name = "a")(h), layers::Dense(1, name = "b")(h)});
  two.compile(optimizer = "adam", kw::loss = LossArg{LossArg(my_mse), LossArg("mae")});
  const auto history = two.fit(x, std::vector<Tensor>{y, y}, epochs = 2, verbose = 0).history;
  EXPECT_EQ(history.at("a_loss").size(), 2u);
}

TEST(LossFunctionWrapper, SaysWhatItCannotDo) {
  const Tensor x = random::normal({8, 2}), y = random::normal({8, 1});
  Sequential model({layers::Input({2}), layers::Dense(1)});
  // Values computed by a loop have no path to y_pred.
  model.compile(optimizer = "sgd", kw::loss = LossArg([](const Tensor& t, const Tensor& p) {
                  Tensor out = Tensor::empty({t.dim(0)});
                  for (int64_t i = 0; i < t.dim(0); ++i) out.data()[i] = t.data()[i] - p.data()[i];
                  return out;
                }));
  try {
    model.fit(x, y, epochs = 1, verbose = 0);
    ADD_FAILURE() << "expected NotImplementedError";
  } catch (const NotImplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("keraspp cannot differentiate the loss function \"loss_function_wrapper\""),
              std::string::npos) << e.what();
  }
  // A loss without the batch axis cannot take sample weights.
  model.compile(optimizer = "sgd", kw::loss = LossArg([](const Tensor& t, const Tensor& p) {
                  return ops::mean(ops::square(t - p), 0);
                }));
  kt::expect_error_says([&] { model.fit(x, y, epochs = 1, verbose = 0); },
                        {"The loss function \"loss_function_wrapper\" returned values of shape (1,) for a batch of",
                         "Hint: keep the batch axis first"});
}

// A model file records the loss by name, as Keras records a function's; C++ code cannot be read back, so loading
// compiles only when told not to (Keras needs custom_objects for the same file).
TEST(LossFunctionWrapper, ModelFilesKeepTheModelNotTheFunction) {
  Sequential model({layers::Input({2}), layers::Dense(1)});
  model.compile(optimizer = "sgd", kw::loss = LossArg(my_mse));
  const Tensor x = random::normal({8, 2});
  model.fit(x, random::normal({8, 1}), epochs = 1, verbose = 0);
  kt::ScratchDir dir;
  model.save(dir / "m.keras");
  kt::expect_error_says([&] { saving::load_model(dir / "m.keras"); },
                        {"Could not interpret loss identifier: loss_function_wrapper", "compile=*/false"});
  Model loaded = saving::load_model(dir / "m.keras", false);
  EXPECT_EQ(max_abs_diff(loaded.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
}
