#include "keras/callbacks/swap_ema_weights.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "keras/callbacks/callbacks.hpp"
#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;

static_assert(std::is_base_of_v<Callback, callbacks::SwapEMAWeights>);

namespace {

struct EmaSetup {
  Sequential model;
  Tensor x, y, xv, yv;
};

// A regression that moves the weights every step, with an SGD that keeps their moving average.
EmaSetup ema_setup() {
  utils::set_random_seed(5);
  EmaSetup s{Sequential({layers::Dense(1, input_shape = {3})}), random::normal({32, 3}), Tensor(),
             random::normal({16, 3}), Tensor()};
  s.y = random::normal({32, 1});
  s.yv = random::normal({16, 1});
  s.model.compile(optimizer = optimizers::SGD(learning_rate = 0.1, use_ema = true, ema_momentum = 0.8), loss = "mse");
  return s;
}

std::vector<float> flat_weights(const Model& m) {
  std::vector<float> out;
  for (const Tensor& t : m.get_weights()) out.insert(out.end(), t.data(), t.data() + t.size());
  return out;
}

}  // namespace

TEST(CallbackSwapEMAWeights, ValidationUsesTheAverages) {
  // After fit the model holds the averages (fit's finalize); an epoch's validation ran on the same averages only when
  // they were swapped in.
  EmaSetup with = ema_setup();
  History h = with.model.fit(with.x, with.y, validation_data = {with.xv, with.yv}, batch_size = 8, shuffle = false,
                             verbose = 0, callbacks = {callbacks::SwapEMAWeights()});
  EXPECT_NEAR(h.history.at("val_loss").at(0), with.model.evaluate(with.xv, with.yv, verbose = 0).at(0), 1e-6);

  EmaSetup without = ema_setup();
  History plain = without.model.fit(without.x, without.y, validation_data = {without.xv, without.yv}, batch_size = 8,
                                    shuffle = false, verbose = 0);
  EXPECT_GT(std::abs(plain.history.at("val_loss").at(0) - without.model.evaluate(without.xv, without.yv,
                                                                                   verbose = 0).at(0)),
            1e-4);
}

TEST(CallbackSwapEMAWeights, EvaluateAndPredictRestoreTheWeights) {
  EmaSetup s = ema_setup();
  s.model.fit(s.x, s.y, batch_size = 8, epochs = 2, shuffle = false, verbose = 0);  // ends holding the averages
  // One more step, which fit's finalize does not follow: the weights and their averages now differ.
  s.model.train_on_batch(s.x, s.y);
  const std::vector<float> weights = flat_weights(s.model);
  const Tensor plain = s.model.predict(s.xv, verbose = 0);
  const Tensor averaged = s.model.predict(s.xv, verbose = 0, callbacks = {callbacks::SwapEMAWeights()});
  EXPECT_EQ(flat_weights(s.model), weights);  // Keras 3 would leave the averages in the model here
  EXPECT_GT(std::abs(plain.data()[0] - averaged.data()[0]), 1e-6);
  s.model.evaluate(s.xv, s.yv, verbose = 0, callbacks = {callbacks::SwapEMAWeights()});
  EXPECT_EQ(flat_weights(s.model), weights);
}

TEST(CallbackSwapEMAWeights, SwapOnEpochShowsTheAveragesToLaterCallbacks) {
  EmaSetup s = ema_setup();
  std::vector<std::vector<float>> at_end, at_begin;
  callbacks::LambdaCallback record(
      on_epoch_begin = [&](int, Logs&) { at_begin.push_back(flat_weights(s.model)); },
      on_epoch_end = [&](int, Logs&) { at_end.push_back(flat_weights(s.model)); });
  s.model.fit(s.x, s.y, validation_data = {s.xv, s.yv}, batch_size = 8, epochs = 3, shuffle = false, verbose = 0,
              callbacks = {callbacks::SwapEMAWeights(swap_on_epoch = true), record});
  ASSERT_EQ(at_end.size(), 3u);
  // Each epoch starts from the training weights, not from the averages the previous epoch ended showing.
  EXPECT_NE(at_begin[1], at_end[0]);
  EXPECT_NE(at_begin[2], at_end[1]);
  // After the last epoch the model keeps the averages it showed there.
  EXPECT_EQ(flat_weights(s.model), at_end[2]);
}

TEST(CallbackSwapEMAWeights, NeedsAnOptimizerWithEma) {
  utils::set_random_seed(5);
  Sequential model({layers::Dense(1, input_shape = {3})});
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = random::normal({4, 3}), y = random::normal({4, 1});
  keras::test_support::expect_error_says(
      [&] { model.evaluate(x, y, verbose = 0, callbacks = {callbacks::SwapEMAWeights()}); },
      {"SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. Received: use_ema=False"});
  callbacks::SwapEMAWeights by_value(true);
  EXPECT_TRUE(by_value.swap_on_epoch);
}
