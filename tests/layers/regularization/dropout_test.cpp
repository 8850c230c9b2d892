#include "keras/layers/regularization/dropout.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/train_call.hpp"

using namespace keras;
using namespace keras::kw;

using keras::test_support::train_call;

TEST(Dropout, ConstructionForms) {
  for (const layers::Dropout& d : {layers::Dropout(0.5), layers::Dropout(rate = 0.5, seed = 1),
                                   layers::Dropout(0.5, noise_shape = {None, 1}), layers::Dropout(1),
                                   layers::Dropout(0.0, seed = None, noise_shape = None)})
    EXPECT_EQ(d.class_name(), "Dropout");
}

TEST(Dropout, Shapes) {
  EXPECT_EQ(layers::Dropout(0.2)(Input({10})).shape(), (Shape{None, 10}));
  EXPECT_EQ(layers::Dropout(0.2, noise_shape = {None, 1, 4})(Input({None, 4})).shape(), (Shape{None, None, 4}));
  Sequential model({Input({8}), layers::Dense(4), layers::Dropout(0.5), layers::Dense(2)});
  EXPECT_EQ(model.output_shape(), (Shape{None, 2}));
}

TEST(Dropout, InferenceIsTheIdentity) {
  layers::Dropout d(0.5);
  Tensor x = random::normal({16, 8});
  Tensor y = d(x);
  EXPECT_TRUE(y.shares_storage_with(x));
  EXPECT_EQ(y.to_vector(), x.to_vector());
  Sequential model({Input({8}), layers::Dropout(0.9)});
  EXPECT_EQ(model.predict(x, verbose = 0).to_vector(), x.to_vector());
}

TEST(Dropout, TrainingDropsAndRescales) {
  utils::set_random_seed(42);
  layers::Dropout d(0.5);
  Tensor y = train_call(d, Tensor::ones({1000, 100}));
  int64_t zeros = 0;
  double sum = 0;
  for (float v : y.to_vector()) {
    if (v == 0.0f) ++zeros;
    else EXPECT_FLOAT_EQ(v, 2.0f);  // kept values scaled by 1 / (1 - rate)
    sum += v;
  }
  EXPECT_NEAR(static_cast<double>(zeros) / 100000.0, 0.5, 0.01);
  EXPECT_NEAR(sum / 100000.0, 1.0, 0.02);  // the mean is preserved

  Tensor y2 = train_call(layers::Dropout(0.2), Tensor::ones({1000, 100}));
  double mean = 0;
  for (float v : y2.to_vector()) mean += v;
  EXPECT_NEAR(mean / 100000.0, 1.0, 0.02);
}

TEST(Dropout, ExtremeRates) {
  Tensor x = random::normal({4, 5});
  EXPECT_EQ(train_call(layers::Dropout(0.0), x).to_vector(), x.to_vector());
  EXPECT_EQ(train_call(layers::Dropout(1.0), x).to_vector(), std::vector<float>(20, 0.0f));
}

TEST(Dropout, BackwardReusesTheMask) {
  utils::set_random_seed(7);
  layers::Dropout d(0.3);
  Tensor x = random::uniform({6, 9}, 1.0f, 2.0f);  // no zeros, so y / x recovers the mask
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  ctx.outputs = d.impl()->forward(ctx);
  ASSERT_EQ(ctx.saved.size(), 1u);
  Tensor g = random::normal({6, 9});
  Tensor dx = d.impl()->backward(ctx, {g}).at(0);
  const Tensor& y = ctx.outputs[0];
  for (int64_t i = 0; i < x.size(); ++i) {
    float mask = y.data()[i] / x.data()[i];
    EXPECT_NEAR(dx.data()[i], g.data()[i] * mask, 1e-5);
  }
}

TEST(Dropout, Gradients) {
  Tensor x = random::normal({3, 4});
  layers::Dropout d(0.5);
  d(x);
  keras::test_support::expect_gradients_match(d, {x});  // inference: identity
  layers::Dropout d0(0.0);
  d0(x);
  keras::test_support::expect_gradients_match(d0, {x}, {.training = true});
  Sequential model({Input({4}), layers::Dense(3), layers::Dropout(0.5), layers::Dense(2)});
  keras::test_support::expect_gradients_match(model, {x});
}

TEST(Dropout, SeedIsReproducible) {
  Tensor x = Tensor::ones({20, 30});
  layers::Dropout a(0.5, seed = 1), b(rate = 0.5, seed = 1), c(0.5, seed = 2);
  Tensor ya = train_call(a, x), yb = train_call(b, x), yc = train_call(c, x);
  EXPECT_EQ(ya.to_vector(), yb.to_vector());
  EXPECT_NE(ya.to_vector(), yc.to_vector());
  // The layer's generator advances: the next call draws a new mask, the same for both layers.
  Tensor ya2 = train_call(a, x);
  EXPECT_NE(ya2.to_vector(), ya.to_vector());
  EXPECT_EQ(ya2.to_vector(), train_call(b, x).to_vector());
  // Seeded layers do not depend on the global generator.
  utils::set_random_seed(3);
  layers::Dropout s1(0.5, seed = 9);
  Tensor first = train_call(s1, x);
  utils::set_random_seed(4);
  layers::Dropout s2(0.5, seed = 9);
  EXPECT_EQ(train_call(s2, x).to_vector(), first.to_vector());
}

TEST(Dropout, GlobalSeedIsReproducible) {
  Tensor x = Tensor::ones({20, 30});
  layers::Dropout d(0.5);
  utils::set_random_seed(11);
  Tensor y1 = train_call(d, x);
  utils::set_random_seed(11);
  Tensor y2 = train_call(d, x);
  EXPECT_EQ(y1.to_vector(), y2.to_vector());
}

TEST(Dropout, NoiseShapeSharesTheMask) {
  utils::set_random_seed(5);
  Tensor x = Tensor::ones({8, 5, 4});
  Tensor y = train_call(layers::Dropout(0.5, noise_shape = {None, 1, 4}), x);
  ASSERT_EQ(y.shape(), (Shape{8, 5, 4}));
  int64_t zeros = 0;
  for (int64_t b = 0; b < 8; ++b)
    for (int64_t f = 0; f < 4; ++f) {
      for (int64_t t = 1; t < 5; ++t) EXPECT_EQ(y.at({b, t, f}), y.at({b, 0, f}));
      if (y.at({b, 0, f}) == 0.0f) ++zeros;
    }
  EXPECT_GT(zeros, 0);
  EXPECT_LT(zeros, 32);
  // A mask shared over the batch: every sample loses the same features.
  Tensor z = train_call(layers::Dropout(0.5, noise_shape = {1, 4}), Tensor::ones({6, 4}));
  for (int64_t b = 1; b < 6; ++b)
    for (int64_t f = 0; f < 4; ++f) EXPECT_EQ(z.at({b, f}), z.at({0, f}));
  // Backward broadcasts the saved mask the same way.
  layers::Dropout d(0.5, noise_shape = {None, 1, 4});
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  ctx.outputs = d.impl()->forward(ctx);
  Tensor dx = d.impl()->backward(ctx, {Tensor::ones({8, 5, 4})}).at(0);
  EXPECT_EQ(dx.to_vector(), ctx.outputs[0].to_vector());
}

TEST(Dropout, Errors) {
  const std::string msg = "Invalid value received for argument `rate`. Expected a float value between 0 and 1. ";
  EXPECT_THROW_WITH(layers::Dropout(1.5), msg + "Received: rate=1.5", "\nHint: ");
  EXPECT_THROW_WITH(layers::Dropout(rate = -0.1), msg + "Received: rate=-0.1", "Hint:");
  EXPECT_THROW_WITH(layers::Dropout(50), msg + "Received: rate=50.0",
                    "Hint: rate is a fraction, not a percentage: to drop 50% of the inputs", "Dropout(0.5)");
  EXPECT_THROW_WITH(layers::Dropout(-1e-5), "Received: rate=-1e-05");
  EXPECT_THROW_WITH(layers::Dropout(1e20), "Received: rate=1e+20");
  EXPECT_THROW_WITH(layers::Dropout(kw::Kwargs{}), "Dropout.__init__() missing 1 required positional argument: 'rate'",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Dropout(0.5, noise_shape = {None, 0}),
                    "Invalid value received for argument `noise_shape`. Expected all dimensions to be positive "
                    "integers or None. Received negative or zero value at index 1: 0",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Dropout(0.5, noise_shape = {None, 3, 4})(Input({5, 4})),
                    "noise_shape=(None, 3, 4) cannot be broadcast to the inputs of shape (None, 5, 4)", "Hint:",
                    "noise_shape={None, 1, 4}");
  EXPECT_THROW_WITH(layers::Dropout(0.5, noise_shape = {None, 4})(Input({5, 4})), "noise_shape=(None, 4)");
}

TEST(Dropout, ConfigAndRegistry) {
  layers::Dropout d(0.25, seed = 3, noise_shape = {None, 1});
  const auto& cfg = d.impl()->config();
  EXPECT_EQ(*cfg.get<double>("rate"), 0.25);
  EXPECT_EQ(*cfg.get<int>("seed"), 3);
  EXPECT_EQ(*cfg.get<Shape>("noise_shape"), (Shape{None, 1}));
  Layer copy = layers::from_config("Dropout", cfg);
  Tensor x = Tensor::ones({10, 6});
  EXPECT_EQ(train_call(copy, x).to_vector(), train_call(d, x).to_vector());
}

TEST(Dropout, MaskIsTheSameOnOneThreadOrMany) {
  // Element i of a mask depends on the call's draw from the generator and on i only: a big input (drawn on every
  // thread) starts with the mask a small one (drawn on one) gets from the same seed.
  Tensor big = train_call(layers::Dropout(0.5, seed = 3), Tensor::ones({400, 1000}));
  Tensor small = train_call(layers::Dropout(0.5, seed = 3), Tensor::ones({20, 1000}));
  EXPECT_EQ(big.slice(0, 20).copy().to_vector(), small.to_vector());
}

TEST(Dropout, MasksAreUnbiasedAndUncorrelated) {
  utils::set_random_seed(5);
  const int64_t n = 1 << 20;
  for (double rate : {0.1, 0.5, 0.9}) {
    SCOPED_TRACE(rate);
    layers::Dropout d(rate);
    std::vector<float> a = train_call(d, Tensor::ones({n})).to_vector();
    std::vector<float> b = train_call(d, Tensor::ones({n})).to_vector();
    // Kept fraction, and Pearson correlations of the keep indicators: neighbours, and one call with the next.
    double kept = 0, both_next = 0, both_calls = 0;
    for (int64_t i = 0; i < n; ++i) {
      const bool ka = a[static_cast<size_t>(i)] != 0, kb = b[static_cast<size_t>(i)] != 0;
      kept += ka;
      both_calls += ka && kb;
      if (i + 1 < n) both_next += ka && a[static_cast<size_t>(i + 1)] != 0;
    }
    const double p = kept / n, var = p * (1 - p);
    EXPECT_NEAR(p, 1 - rate, 0.003);
    EXPECT_NEAR((both_next / (n - 1) - p * p) / var, 0.0, 0.01);
    EXPECT_NEAR((both_calls / n - p * p) / var, 0.0, 0.01);
  }
}
