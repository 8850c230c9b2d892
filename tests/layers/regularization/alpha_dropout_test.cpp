#include "keras/layers/regularization/alpha_dropout.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/train_call.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::train_call;
namespace kt = keras::test_support;

namespace {
constexpr double kAlphaPrime = -1.7580993408473766;
}  // namespace

TEST(AlphaDropout, InferenceIsTheIdentityAndShapes) {
  Tensor x = random::normal({8, 5});
  EXPECT_TRUE(layers::AlphaDropout(0.5)(x).shares_storage_with(x));
  EXPECT_EQ(layers::AlphaDropout(0.3)(Input({4, 2})).shape(), (Shape{None, 4, 2}));
  EXPECT_EQ(train_call(layers::AlphaDropout(0.0), x).to_vector(), x.to_vector());
  EXPECT_THROW_WITH(layers::AlphaDropout(0.2, noise_shape = {None, 3})(Input({4, 2})),
                    "Invalid value received for argument `noise_shape`.", "Hint:");
}

TEST(AlphaDropout, KeepsOrSaturatesThenRestoresMeanAndVariance) {
  utils::set_random_seed(21);
  const double rate = 0.3;
  const double a = 1.0 / std::sqrt((1 - rate) * (1 + rate * kAlphaPrime * kAlphaPrime)), b = -a * kAlphaPrime * rate;
  Tensor x = random::normal({400, 500});
  Tensor y = train_call(layers::AlphaDropout(rate), x);
  double dropped = 0, sum = 0, sq = 0;
  for (int64_t i = 0; i < x.size(); ++i) {
    const double v = y.data()[i];
    const bool kept = std::fabs(v - (a * x.data()[i] + b)) < 1e-5;
    if (!kept) {
      EXPECT_NEAR(v, a * kAlphaPrime + b, 1e-5);
      dropped += 1;
    }
    sum += v;
    sq += v * v;
  }
  const double n = static_cast<double>(x.size()), mean = sum / n;
  EXPECT_NEAR(dropped / n, rate, 0.005);
  EXPECT_NEAR(mean, 0.0, 0.01);  // standardized inputs keep mean 0 and variance 1
  EXPECT_NEAR(sq / n - mean * mean, 1.0, 0.01);
  // noise_shape shares one draw along the axes where it is 1.
  Tensor z = train_call(layers::AlphaDropout(0.5, noise_shape = {None, 1}), Tensor::zeros({6, 50}));
  for (int64_t r = 0; r < 6; ++r)
    for (int64_t c = 1; c < 50; ++c) EXPECT_EQ(z.at({r, c}), z.at({r, 0}));
}

TEST(AlphaDropout, Seeds) {
  keras::test_support::expect_seeds_reproduce<layers::AlphaDropout>(random::normal({10, 10}), rate = 0.5);
}

TEST(AlphaDropout, Gradients) {
  layers::AlphaDropout zero(0.0);
  Tensor x = random::normal({3, 4});
  zero(x);
  kt::expect_gradients_match(zero, {x}, {.training = true});
  // In training: a where kept, 0 where dropped; reseeding before each forward makes the check deterministic.
  layers::AlphaDropout d(0.4);
  auto reseed = [] { utils::set_random_seed(5); };
  kt::expect_gradients_match(d, {x}, {.training = true, .before_forward = reseed});
}

TEST(AlphaDropout, Errors) {
  const std::string msg = "Invalid value received for argument `rate`. Expected a float value between 0 and 1. ";
  EXPECT_THROW_WITH(layers::AlphaDropout(2.0), msg + "Received: rate=2.0", "Hint:");
  EXPECT_THROW_WITH(layers::AlphaDropout(1.0), msg + "Received: rate=1.0", "Hint:");
  EXPECT_THROW(layers::AlphaDropout(kw::Kwargs{}), TypeError);
}

TEST(AlphaDropout, Saving) {
  auto in = Input(shape = {3, 4});
  Model model(in, layers::Dense(2)(layers::AlphaDropout(0.2, noise_shape = {None, 1, 4}, seed = 3)(in)));
  Model loaded = kt::expect_keras_round_trip(model, random::normal({2, 3, 4}));
  EXPECT_NE(loaded.to_json().find("\"noise_shape\": [null, 1, 4]"), std::string::npos) << loaded.to_json();
}
