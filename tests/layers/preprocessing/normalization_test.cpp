#include "keras/layers/preprocessing/normalization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
void expect_near_values(const Tensor& t, const std::vector<double>& want, double tol = 1e-5) {
  ASSERT_EQ(t.size(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(t.data()[i], want[i], tol) << "element " << i;
}
}  // namespace

// The examples of Keras's docstring.
TEST(Normalization, AdaptWithAxisNone) {
  layers::Normalization layer(axis = None);
  layer.adapt(Tensor({1, 2, 3, 4, 5}, {5}));
  expect_near_values(layer(Tensor({1, 2, 3}, {3})), {-1.4142135, -0.70710677, 0.0});
  auto w = layer.get_weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].ndim(), 0);  // scalar mean and variance
  EXPECT_NEAR(w[0].item(), 3.0, 1e-6);
  EXPECT_NEAR(w[1].item(), 2.0, 1e-6);
}

TEST(Normalization, AdaptPerFeature) {
  utils::clear_session();
  layers::Normalization layer(axis = -1);
  EXPECT_EQ(layer.name(), "normalization");
  layer.adapt(Tensor({0, 7, 4, 2, 9, 6, 0, 7, 4, 2, 9, 6}, {4, 3}));
  expect_near_values(layer(Tensor({0, 7, 4}, {1, 3})), {-1, -1, -1});
  auto vars = layer.impl()->variables();
  ASSERT_EQ(vars.size(), 3u);
  EXPECT_EQ(vars[0]->name, "mean");
  EXPECT_EQ(vars[1]->name, "variance");
  EXPECT_EQ(vars[2]->name, "count");
  for (const auto& v : vars) EXPECT_FALSE(v->trainable);
  expect_near_values(vars[0]->value, {1, 8, 5});
  expect_near_values(vars[1]->value, {1, 1, 1});
  EXPECT_EQ(layer.count_params(), 7);  // Keras counts mean, variance and the scalar count
  EXPECT_TRUE(layer.trainable_weights().empty());
  EXPECT_EQ(layer.non_trainable_weights().size(), 3u);
  EXPECT_TRUE(layers::is_registered("Normalization"));
}

TEST(Normalization, GivenMeanAndVariance) {
  layers::Normalization layer(mean = 3.0, variance = 2.0);
  expect_near_values(layer(Tensor({1, 2, 3}, {3, 1})), {-1.4142135, -0.70710677, 0.0});
  EXPECT_TRUE(layer.get_weights().empty());  // constants, not weights
  EXPECT_EQ(layer.count_params(), 0);
  layers::Normalization per_feature(mean = 1.0, variance = FloatList{4.0});
  expect_near_values(per_feature(Tensor({3, 5}, {1, 2})), {1.0, 2.0});
}

TEST(Normalization, Invert) {
  layers::Normalization layer(axis = -1, invert = true);
  layer.adapt(Tensor({0, 7, 4, 2, 9, 6, 0, 7, 4, 2, 9, 6}, {4, 3}));
  expect_near_values(layer(Tensor({1, 2, 3}, {1, 3})), {2, 10, 8});
  // Inverting undoes normalizing.
  layers::Normalization forward;
  Tensor data = random::normal({20, 4});
  forward.adapt(data);
  layers::Normalization back(invert = true);
  back.adapt(data);
  EXPECT_LT(max_abs_diff(back(forward(data)), data), 1e-5f);
}

TEST(Normalization, EpsilonGuardsZeroVariance) {
  layers::Normalization layer;
  layer.adapt(Tensor({5, 1, 5, 2, 5, 3}, {3, 2}));  // feature 0 is constant
  Tensor y = layer(Tensor({5, 2, 6, 2}, {2, 2}));
  EXPECT_EQ(y.data()[0], 0.0f);
  EXPECT_NEAR(y.data()[2], 1.0 / 1e-7, 1e2);  // (6 - 5) / max(sqrt(0), 1e-7)
}

TEST(Normalization, OtherAxesAndRanks) {
  utils::set_random_seed(1);
  // axis=1 of (N, C, L): a mean and variance per index of axis 1, over N and L.
  layers::Normalization layer(axis = 1);
  Tensor data = random::normal({6, 3, 5});
  layer.adapt(data);
  Tensor mean = layer.get_weights()[0], var = layer.get_weights()[1];
  EXPECT_EQ(mean.shape(), (Shape{3}));
  for (int64_t c = 0; c < 3; ++c) {
    double s = 0, q = 0;
    for (int64_t n = 0; n < 6; ++n)
      for (int64_t l = 0; l < 5; ++l) s += data.at({n, c, l});
    s /= 30;
    for (int64_t n = 0; n < 6; ++n)
      for (int64_t l = 0; l < 5; ++l) q += (data.at({n, c, l}) - s) * (data.at({n, c, l}) - s);
    q /= 30;
    EXPECT_NEAR(mean.data()[c], s, 1e-5);
    EXPECT_NEAR(var.data()[c], q, 1e-5);
  }
  Tensor y = layer(data);
  for (int64_t n : {0, 5})
    for (int64_t c = 0; c < 3; ++c)
      EXPECT_NEAR(y.at({n, c, 2}), (data.at({n, c, 2}) - mean.data()[c]) / std::sqrt(var.data()[c]), 1e-4);
}

TEST(Normalization, AdaptOnBatchesEqualsAdaptOnAll) {
  utils::set_random_seed(2);
  Tensor data = random::normal({30, 4});
  for (int64_t i = 0; i < data.size(); ++i) data.data()[i] = data.data()[i] * 3.0f + static_cast<float>(i % 4);
  layers::Normalization whole, batched;
  whole.adapt(data);
  batched.adapt(std::vector<Tensor>{data.slice(0, 8), data.slice(8, 20), data.slice(20, 30)});
  EXPECT_LT(max_abs_diff(whole.get_weights()[0], batched.get_weights()[0]), 1e-5f);
  EXPECT_LT(max_abs_diff(whole.get_weights()[1], batched.get_weights()[1]), 1e-4f);
}

TEST(Normalization, UnadaptedIsIdentityAndGradientsFlow) {
  utils::set_random_seed(3);
  layers::Normalization layer;
  Tensor x = random::normal({4, 3});
  EXPECT_LT(max_abs_diff(layer(x), x), 1e-6f);
  layer.adapt(random::normal({10, 3}));
  keras::test_support::expect_gradients_match(layer, {x});
  layers::Normalization inv(invert = true, mean = 1.0, variance = 4.0);
  inv(x);
  keras::test_support::expect_gradients_match(inv, {x});
}

TEST(Normalization, InAModel) {
  utils::set_random_seed(4);
  Tensor x = random::normal({64, 2});
  for (int64_t i = 0; i < 64; ++i) x.data()[2 * i] = x.data()[2 * i] * 100.0f + 500.0f;
  Tensor y = Tensor::empty({64, 1});
  for (int64_t i = 0; i < 64; ++i) y.data()[i] = x.at({i, 0}) > 500.0f ? 1.0f : 0.0f;
  layers::Normalization norm;
  norm.adapt(x);
  Sequential model({layers::Input({2}), norm, layers::Dense(1, activation = "sigmoid")});
  EXPECT_EQ(model.count_params(), 5 + 3);
  EXPECT_NE(model.summary_string().find("Non-trainable params: 5 ("), std::string::npos)
      << model.summary_string();
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.05), loss = "binary_crossentropy",
                metrics = {"accuracy"});
  History h = model.fit(x, y, epochs = 40, batch_size = 16, verbose = 0);
  EXPECT_GT(h.history.at("accuracy").back(), 0.85);
}

TEST(Normalization, Errors) {
  EXPECT_THROW_WITH(layers::Normalization(mean = 1.0), "When setting values directly, both `mean` and `variance` "
                    "must be set. Received: mean=1.0 and variance=None", "Hint:");
  EXPECT_THROW_WITH(layers::Normalization(mean = 1.0, variance = FloatList{1.0, 2.0}),
                    "`mean` and `variance` must have the same shape");
  EXPECT_THROW_WITH(layers::Normalization(axis = 3)(Tensor::zeros({2, 3})),
                    "All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim=2, while "
                    "axis=(3,)", "Hint:");
  EXPECT_THROW_WITH(layers::Normalization()(Input({None})), "All `axis` values to be kept must have a known shape",
                    "Hint:");
  layers::Normalization adapted;
  adapted.adapt(Tensor::zeros({4, 3}));
  EXPECT_THROW_WITH(adapted.adapt(Tensor::zeros({4, 2})), "The layer was built with input_shape=(4, 3), but adapt() "
                    "is being called with data with an incompatible shape, data.shape=(4, 2)", "Hint:");
  EXPECT_THROW_WITH(adapted(Tensor::zeros({2, 5})), "expected axis -1 of input shape to have value 3", "Hint:");
  EXPECT_THROW_WITH(layers::Normalization(mean = 0.0, variance = 1.0).adapt(Tensor::zeros({2, 2})), "adapt()",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Normalization().adapt(std::vector<Tensor>{}), "adapt() received an empty iterable");
}
