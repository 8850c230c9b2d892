#include "keras/layers/regularization/gaussian_dropout.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/train_call.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

using keras::test_support::train_call;

TEST(GaussianDropout, InferenceIsTheIdentityAndShapesPass) {
  Tensor x = random::normal({8, 5});
  EXPECT_TRUE(layers::GaussianDropout(0.5)(x).shares_storage_with(x));
  EXPECT_EQ(layers::GaussianDropout(0.3)(Input({4, 2})).shape(), (Shape{None, 4, 2}));
  EXPECT_EQ(train_call(layers::GaussianDropout(0.0), x).to_vector(), x.to_vector());
}

TEST(GaussianDropout, NoiseHasMeanOneAndTheDropoutVariance) {
  utils::set_random_seed(11);
  const double rate = 0.2;
  Tensor x = Tensor::full({400, 500}, 2.0f);
  Tensor y = train_call(layers::GaussianDropout(rate), x);
  double sum = 0, sq = 0;
  for (float v : y.to_vector()) {
    const double m = v / 2.0;  // the multiplicative noise
    sum += m;
    sq += m * m;
  }
  const double n = 200000.0, mean = sum / n;
  EXPECT_NEAR(mean, 1.0, 0.003);
  EXPECT_NEAR(std::sqrt(sq / n - mean * mean), std::sqrt(rate / (1 - rate)), 0.003);
}

TEST(GaussianDropout, Seeds) {
  keras::test_support::expect_seeds_reproduce<layers::GaussianDropout>(Tensor::ones({10, 10}), rate = 0.5);
}

TEST(GaussianDropout, Gradients) {
  layers::GaussianDropout zero(0.0);
  Tensor x = random::normal({3, 4});
  zero(x);
  kt::expect_gradients_match(zero, {x}, {.training = true});
  // In training the gradient is the same noise the forward multiplied by.
  layers::GaussianDropout g(0.4, seed = 5);
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {Tensor::ones({3, 4})};
  ctx.outputs = g.impl()->forward(ctx);
  Tensor dy = Tensor::ones({3, 4});
  EXPECT_EQ(g.impl()->backward(ctx, {dy}).at(0).to_vector(), ctx.outputs.at(0).to_vector());
}

TEST(GaussianDropout, Errors) {
  const std::string msg = "Invalid value received for argument `rate`. Expected a float value between 0 and 1. ";
  EXPECT_THROW_WITH(layers::GaussianDropout(1.5), msg + "Received: rate=1.5", "Hint:");
  EXPECT_THROW_WITH(layers::GaussianDropout(-0.1), msg + "Received: rate=-0.1", "Hint:");
  EXPECT_THROW_WITH(layers::GaussianDropout(1.0), msg + "Received: rate=1.0", "Hint: rate=1 makes");
  EXPECT_THROW(layers::GaussianDropout(kw::Kwargs{}), TypeError);
}

TEST(GaussianDropout, Saving) {
  auto in = Input(shape = {4});
  Model model(in, layers::Dense(2)(layers::GaussianDropout(0.3, seed = 2)(in)));
  Model loaded = kt::expect_keras_round_trip(model, random::normal({3, 4}));
  EXPECT_NE(loaded.to_json().find("\"GaussianDropout\""), std::string::npos);
}
