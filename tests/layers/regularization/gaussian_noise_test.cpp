#include "keras/layers/regularization/gaussian_noise.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/train_call.hpp"

using namespace keras;
using namespace keras::kw;

using keras::test_support::train_call;

TEST(GaussianNoise, InferenceIsTheIdentity) {
  layers::GaussianNoise g(0.5);
  Tensor x = random::normal({8, 5});
  Tensor y = g(x);
  EXPECT_TRUE(y.shares_storage_with(x));
  Sequential model({Input({5}), layers::GaussianNoise(0.9)});
  EXPECT_EQ(model.predict(x, verbose = 0).to_vector(), x.to_vector());
  EXPECT_EQ(layers::GaussianNoise(0.3)(Input({4, 2})).shape(), (Shape{None, 4, 2}));
}

TEST(GaussianNoise, TrainingAddsNoiseOfTheGivenStddev) {
  utils::set_random_seed(51);
  Tensor x = Tensor::full({200, 500}, 3.0f);
  Tensor y = train_call(layers::GaussianNoise(0.2), x);
  double sum = 0, sq = 0;
  for (float v : y.to_vector()) {
    sum += v - 3.0;
    sq += (v - 3.0) * (v - 3.0);
  }
  const double n = 100000.0, mean = sum / n;
  EXPECT_NEAR(mean, 0.0, 0.005);
  EXPECT_NEAR(std::sqrt(sq / n - mean * mean), 0.2, 0.005);
  // stddev 0 adds nothing; an odd number of values works.
  Tensor odd = random::normal({3, 3});
  EXPECT_EQ(train_call(layers::GaussianNoise(0.0), odd).to_vector(), odd.to_vector());
  EXPECT_EQ(train_call(layers::GaussianNoise(0.1), odd).shape(), (Shape{3, 3}));
}

TEST(GaussianNoise, Seeds) {
  keras::test_support::expect_seeds_reproduce<layers::GaussianNoise>(Tensor::zeros({10, 10}), stddev = 0.5);
}

TEST(GaussianNoise, Gradients) {
  // The noise does not depend on the input: the gradient is the identity, in training too.
  layers::GaussianNoise g(0.3, seed = 3);
  Tensor x = random::normal({3, 4});
  g(x);
  keras::test_support::expect_gradients_match(g, {x});
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  ctx.outputs = g.impl()->forward(ctx);
  Tensor dy = random::normal({3, 4});
  EXPECT_EQ(g.impl()->backward(ctx, {dy}).at(0).to_vector(), dy.to_vector());
}

TEST(GaussianNoise, Errors) {
  const std::string msg = "Invalid value received for argument `stddev`. Expected a float value between 0 and 1. ";
  EXPECT_THROW_WITH(layers::GaussianNoise(1.5), msg + "Received: stddev=1.5", "Hint:");
  EXPECT_THROW_WITH(layers::GaussianNoise(-0.1), msg + "Received: stddev=-0.1", "Hint:");
  EXPECT_THROW_WITH(layers::GaussianNoise(kw::Kwargs{}),
                    "GaussianNoise.__init__() missing 1 required positional argument: 'stddev'", "Hint:");
}

TEST(GaussianNoise, ConfigAndRegistry) {
  layers::GaussianNoise g(0.25, seed = 4);
  Layer copy = layers::from_config("GaussianNoise", g.impl()->config());
  Tensor x = Tensor::zeros({3, 3});
  EXPECT_EQ(train_call(copy, x).to_vector(), train_call(g, x).to_vector());
}

TEST(GaussianNoise, NoiseIsNormalAndTheSameOnOneThreadOrMany) {
  // Element i depends on the call's draw and on i only: a big input (drawn on every thread) starts with the noise a
  // small one (drawn on one) gets from the same seed.
  Tensor big = train_call(layers::GaussianNoise(1.0, seed = 4), Tensor::zeros({1 << 20}));
  Tensor small = train_call(layers::GaussianNoise(1.0, seed = 4), Tensor::zeros({1001}));
  EXPECT_EQ(big.slice(0, 1001).copy().to_vector(), small.to_vector());
  // The normal's tails and no correlation between neighbours (the two values of a Box-Muller pair included).
  const std::vector<float> z = big.to_vector();
  const double n = static_cast<double>(z.size());
  double beyond2 = 0, beyond3 = 0, fourth = 0, next = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    beyond2 += std::fabs(z[i]) > 2.0f;
    beyond3 += std::fabs(z[i]) > 3.0f;
    fourth += std::pow(static_cast<double>(z[i]), 4);
    if (i + 1 < z.size()) next += static_cast<double>(z[i]) * z[i + 1];
  }
  EXPECT_NEAR(beyond2 / n, 0.0455, 0.001);
  EXPECT_NEAR(beyond3 / n, 0.0027, 0.0003);
  EXPECT_NEAR(fourth / n, 3.0, 0.05);  // a normal's kurtosis
  EXPECT_NEAR(next / n, 0.0, 0.005);
}
