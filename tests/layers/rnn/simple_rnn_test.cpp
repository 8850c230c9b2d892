#include "keras/layers/rnn/simple_rnn.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "layers/rnn/rnn_test_support.hpp"

using namespace keras;
using namespace keras::kw;

TEST(SimpleRnn, ShapesWeightsAndEquations) {
  utils::set_random_seed(21);
  layers::SimpleRNN rnn(4, bias_initializer = "random_normal");
  Tensor x = random::normal({2, 3, 5});
  Tensor y = rnn(x);
  EXPECT_EQ(y.shape(), (Shape{2, 4}));
  auto w = rnn.get_weights();
  EXPECT_EQ(w[0].shape(), (Shape{5, 4}));
  EXPECT_EQ(w[1].shape(), (Shape{4, 4}));
  EXPECT_EQ(w[2].shape(), (Shape{4}));
  EXPECT_EQ(rnn.count_params(), 5 * 4 + 4 * 4 + 4);
  for (int64_t b = 0; b < 2; ++b) {
    std::vector<double> h(4, 0.0);
    for (int64_t t = 0; t < 3; ++t) {
      std::vector<double> n(4);
      for (int64_t j = 0; j < 4; ++j) {
        double acc = w[2].data()[j];
        for (int64_t i = 0; i < 5; ++i) acc += x.at({b, t, i}) * w[0].at({i, j});
        for (int64_t k = 0; k < 4; ++k) acc += h[k] * w[1].at({k, j});
        n[j] = std::tanh(acc);
      }
      h = n;
    }
    for (int64_t j = 0; j < 4; ++j) EXPECT_NEAR(y.at({b, j}), h[j], 1e-5);
  }
  EXPECT_EQ(layers::SimpleRNN(3, return_sequences = true)(Input({None, 2})).shape(), (Shape{None, None, 3}));
}

TEST(SimpleRnn, GradientsMatchNumerical) {
  utils::set_random_seed(22);
  Tensor x = random::normal({2, 4, 3});
  for (bool seq : {false, true})
    for (bool back : {false, true}) {
      layers::SimpleRNN rnn(3, return_sequences = seq, go_backwards = back, bias_initializer = "random_normal");
      rnn(x);
      keras::test_support::expect_gradients_match(rnn, {x});
    }
  layers::SimpleRNN st(3, return_state = true, activation = "selu");
  Tensor h0 = random::normal({2, 3});
  st(std::vector<Tensor>{x, h0});
  keras::test_support::expect_gradients_match(st, {x, h0});
  Tensor mask = keras::test_support::mask_from({1, 0, 1, 0, 0, 1, 1, 1}, 2, 4);
  layers::SimpleRNN masked(3, return_sequences = true);
  masked(x);
  keras::test_support::expect_masked_gradients_match(masked, {x}, mask);
}

TEST(SimpleRnn, DropoutMaskIsTheSameAtEveryTimestep) {
  // Identity kernel, no recurrence, linear: each step's output is x_t * mask, so with constant x every step
  // must show the same mask (Keras 3 draws one per sequence), with entries 0 or 1/(1-rate).
  layers::SimpleRNN rnn(6, activation = "linear", kernel_initializer = "identity", recurrent_initializer = "zeros",
                        return_sequences = true, dropout = 0.5, seed = 3);
  Tensor x = Tensor::ones({4, 5, 6});
  Tensor y = rnn.impl()->call_eager({x}, true)[0];
  int zeros = 0;
  for (int64_t b = 0; b < 4; ++b)
    for (int64_t j = 0; j < 6; ++j) {
      const float v = y.at({b, 0, j});
      EXPECT_TRUE(v == 0.0f || std::fabs(v - 2.0f) < 1e-6f) << v;
      zeros += v == 0.0f;
      for (int64_t t = 1; t < 5; ++t) EXPECT_EQ(y.at({b, t, j}), v);
    }
  EXPECT_GT(zeros, 0);
  EXPECT_LT(zeros, 24);
}

TEST(SimpleRnn, DropoutGradientsMatchNumerical) {
  utils::set_random_seed(20);
  keras::test_support::expect_dropout_gradients_for(
      [](double d, double rd, bool seq, bool back) {
        return layers::SimpleRNN(3, dropout = d, recurrent_dropout = rd, return_sequences = seq, go_backwards = back,
                                 return_state = true, bias_initializer = "random_normal");
      },
      3, 1);
}
