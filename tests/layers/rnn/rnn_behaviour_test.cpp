// The recurrent behaviours issue #5 lists as having to match Keras 3, one test each.
#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(RnnBehaviour, LstmAfterDenseNeedsThreeDimensions) {
  utils::clear_session();
  auto inputs = Input({10});
  auto h = layers::Dense(1)(inputs);
  EXPECT_THROW_WITH(layers::LSTM(64)(h),
                    "Input 0 of layer \"lstm\" is incompatible with the layer: expected ndim=3, found ndim=2. Full "
                    "shape received: (None, 1)",
                    "Hint:", "RepeatVector", "(samples, timesteps, features)");
  EXPECT_THROW_WITH(Sequential({layers::Dense(1, input_shape = {10}), layers::LSTM(64)}),
                    "expected ndim=3, found ndim=2. Full shape received: (None, 1)", "RepeatVector");
}

TEST(RnnBehaviour, RepeatVectorThenLstm) {
  auto inputs = Input({10});
  auto h = layers::Dense(1)(inputs);
  h = layers::RepeatVector(64)(h);
  layers::LSTM lstm(64);
  auto out = lstm(h);
  EXPECT_EQ(out.shape(), (Shape{None, 64}));
  EXPECT_EQ(lstm.count_params(), 16896);
  Model model(inputs, out);
  EXPECT_EQ(model.predict(random::normal({3, 10}), verbose = 0).shape(), (Shape{3, 64}));
}

TEST(RnnBehaviour, LstmWithNoneTimestepsTrainsOnRankTwoData) {
  utils::set_random_seed(1);
  Tensor x = random::normal({100, 1});
  Tensor y = x * 0.5f;
  // Keras 3 adds the missing last axis: each sample becomes one timestep of one feature.
  Sequential model({layers::LSTM(32, input_shape = {None, 1}), layers::Dense(1)});
  model.compile(optimizer = "adam", loss = "mse");
  History h = model.fit(x, y, epochs = 5, batch_size = 16, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());

  Sequential fixed({layers::LSTM(32, input_shape = {1, 1}), layers::Dense(1)});
  fixed.compile(optimizer = "adam", loss = "mse");
  History h2 = fixed.fit(x.reshape({100, 1, 1}), y, epochs = 5, batch_size = 16, verbose = 0);
  EXPECT_LT(h2.history.at("loss").back(), h2.history.at("loss").front());
}

TEST(RnnBehaviour, StackedLstmNeedsReturnSequences) {
  utils::clear_session();
  auto inputs = Input({5, 3});
  auto h = layers::LSTM(8)(inputs);
  EXPECT_THROW_WITH(layers::LSTM(4)(h),
                    "Input 0 of layer \"lstm_1\" is incompatible with the layer: expected ndim=3, found ndim=2. "
                    "Full shape received: (None, 8)",
                    "Hint:", "previous layer \"lstm\"", "return_sequences=true");
  EXPECT_THROW_WITH(Sequential({layers::GRU(8, input_shape = {5, 3}), layers::SimpleRNN(4)}),
                    "expected ndim=3, found ndim=2", "return_sequences=true");
  auto ok = layers::LSTM(4)(layers::LSTM(8, return_sequences = true)(inputs));
  EXPECT_EQ(ok.shape(), (Shape{None, 4}));
}
