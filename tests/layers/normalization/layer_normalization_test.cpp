#include "keras/layers/normalization/layer_normalization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "layers/normalization/norm_test_util.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/saved_config.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::to_doubles;

namespace {

// LayerNormalization in double: for every position of the other axes, normalize along axis `ax`.
void expect_layer_normalized(const Tensor& y, const Tensor& x, int ax, const std::vector<double>& gamma,
                             const std::vector<double>& beta, double eps, double tol = 1e-4) {
  ASSERT_EQ(y.dims(), x.dims());
  int64_t outer = 1, D = x.dims()[static_cast<size_t>(ax)], inner = 1;
  for (int i = 0; i < ax; ++i) outer *= x.dims()[static_cast<size_t>(i)];
  for (int i = ax + 1; i < x.ndim(); ++i) inner *= x.dims()[static_cast<size_t>(i)];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t d) { return (o * D + d) * inner + i; };
      double mean = 0, var = 0;
      for (int64_t d = 0; d < D; ++d) mean += x.data()[at(d)];
      mean /= static_cast<double>(D);
      for (int64_t d = 0; d < D; ++d) var += (x.data()[at(d)] - mean) * (x.data()[at(d)] - mean);
      var /= static_cast<double>(D);
      for (int64_t d = 0; d < D; ++d) {
        double want = gamma[static_cast<size_t>(d)] * (x.data()[at(d)] - mean) / std::sqrt(var + eps) +
                      beta[static_cast<size_t>(d)];
        ASSERT_NEAR(y.data()[at(d)], want, tol * std::max(1.0, std::fabs(want)));
      }
    }
}

}  // namespace

TEST(LayerNormalization, ValuesWeightsAndDefaults) {
  utils::clear_session();
  utils::set_random_seed(1);
  layers::LayerNormalization ln(gamma_initializer = "random_normal", beta_initializer = "random_normal");
  EXPECT_EQ(ln.name(), "layer_normalization");
  Tensor x = random::normal({2, 3, 5});
  for (int64_t i = 0; i < x.size(); ++i) x.data()[i] = x.data()[i] * 4.0f + 7.0f;
  Tensor y = ln(x);
  auto vars = ln.impl()->variables();
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0]->name, "gamma");
  EXPECT_EQ(vars[1]->name, "beta");
  EXPECT_EQ(vars[0]->value.shape(), (Shape{5}));
  EXPECT_EQ(ln.count_params(), 10);
  EXPECT_EQ(ln.trainable_weights().size(), 2u);
  EXPECT_TRUE(ln.non_trainable_weights().empty());
  expect_layer_normalized(y, x, 2, to_doubles(vars[0]->value), to_doubles(vars[1]->value), 1e-3);
  // Training and inference agree.
  EXPECT_TRUE(allclose(ln.impl()->call_eager({x}, true).at(0), y));
  EXPECT_TRUE(layers::is_registered("LayerNormalization"));
}

TEST(LayerNormalization, DefaultEpsilonIs1e3) {
  layers::LayerNormalization ln;
  Tensor y = ln(Tensor({0.0f, 0.1f}, {1, 2}));
  // mean 0.05, variance 0.0025: 0.05 / sqrt(0.0025 + 0.001).
  EXPECT_NEAR(y.data()[1], 0.05 / std::sqrt(0.0035), 1e-5);
}

TEST(LayerNormalization, OtherAxes) {
  utils::set_random_seed(2);
  layers::LayerNormalization ln(axis = 1, epsilon = 0.01);
  Tensor x = random::normal({2, 4, 3});
  Tensor y = ln(x);
  EXPECT_EQ(ln.get_weights()[0].shape(), (Shape{4}));
  expect_layer_normalized(y, x, 1, std::vector<double>(4, 1.0), std::vector<double>(4, 0.0), 0.01);
  layers::LayerNormalization positional(-2);
  positional(x);
  EXPECT_EQ(positional.get_weights()[0].shape(), (Shape{4}));
}

TEST(LayerNormalization, LargeInputsMatchTheFormula) {
  utils::set_random_seed(3);
  for (int ax : {-1, 1}) {
    SCOPED_TRACE(ax);
    layers::LayerNormalization ln(axis = ax, gamma_initializer = "random_normal", beta_initializer = "random_normal");
    Tensor x = random::normal({32, 48, 24});
    int a = ax < 0 ? 2 : 1;
    int64_t D = x.dims()[static_cast<size_t>(a)];
    Tensor y = ln(x);
    auto w = ln.get_weights();
    ASSERT_EQ(w[0].size(), D);
    expect_layer_normalized(y, x, a, to_doubles(w[0]), to_doubles(w[1]), 1e-3);
    keras::test_support::expect_backward_matches_slices(ln, x, 4);
  }
}

TEST(LayerNormalization, CenterAndScaleOff) {
  layers::LayerNormalization ln(center = false, scale = false);
  Tensor x = random::normal({3, 4});
  Tensor y = ln(x);
  EXPECT_TRUE(ln.get_weights().empty());
  EXPECT_EQ(ln.count_params(), 0);
  expect_layer_normalized(y, x, 1, std::vector<double>(4, 1.0), std::vector<double>(4, 0.0), 1e-3);
  keras::test_support::expect_gradients_match(ln, {x});
  layers::LayerNormalization no_center(center = false);
  no_center(x);
  ASSERT_EQ(no_center.get_weights().size(), 1u);
  EXPECT_EQ(no_center.impl()->variables()[0]->name, "gamma");
}

TEST(LayerNormalization, Gradients) {
  utils::set_random_seed(4);
  {
    layers::LayerNormalization ln(gamma_initializer = "random_normal", beta_initializer = "random_normal");
    Tensor x = random::normal({4, 6});
    ln(x);
    keras::test_support::expect_gradients_match(ln, {x});
  }
  {
    layers::LayerNormalization ln(axis = 1, gamma_initializer = "random_normal");
    Tensor x = random::normal({2, 5, 3});
    ln(x);
    keras::test_support::expect_gradients_match(ln, {x});
  }
}

TEST(LayerNormalization, Errors) {
  layers::LayerNormalization ln;
  ln(Tensor::zeros({2, 32}));
  EXPECT_THROW_WITH(ln(Tensor::zeros({2, 64})), "expected axis -1 of input shape to have value 32", "Hint:",
                    "was built for 32 channels");
  // Other ranks with the same normalized size are fine, as in Keras.
  EXPECT_EQ(ln(Tensor::zeros({2, 3, 32})).shape(), (Shape{2, 3, 32}));
  EXPECT_THROW_WITH(layers::LayerNormalization(axis = 2)(Tensor::zeros({2, 4})),
                    "Axis 2 is out of bounds for input shape (2, 4). Ensure axis is within the range of input "
                    "dimensions.", "Hint:");
  EXPECT_THROW_WITH(layers::LayerNormalization()(Input({None})), "should have a defined dimension", "Hint:");
}

TEST(LayerNormalization, SeveralAdjacentAxes) {
  // Over axes {1, 2} each (3, 4) block is normalized as a whole; gamma and beta have that shape, as Keras's
  // param_shape. The same as one axis of 12 after a reshape.
  utils::set_random_seed(6);
  layers::LayerNormalization ln(axis = {1, 2}, gamma_initializer = "random_normal", beta_initializer = "random_normal");
  Tensor x = random::normal({2, 3, 4});
  Tensor y = ln(x);
  ASSERT_EQ(ln.get_weights().size(), 2u);
  EXPECT_EQ(ln.get_weights()[0].shape(), (Shape{3, 4}));
  EXPECT_EQ(ln.get_weights()[1].shape(), (Shape{3, 4}));
  expect_layer_normalized(y.reshape({2, 12}), x.reshape({2, 12}), 1, to_doubles(ln.get_weights()[0]),
                          to_doubles(ln.get_weights()[1]), 1e-3);
  // Counted from the end, and positionally; a run in the middle leaves the last axis out.
  layers::LayerNormalization from_end(axis = {-2, -1});
  EXPECT_EQ(from_end(x).to_vector(), layers::LayerNormalization({1, 2})(x).to_vector());
  Tensor x4 = random::normal({2, 3, 4, 5});
  layers::LayerNormalization middle({1, 2});
  Tensor y4 = middle(x4);
  EXPECT_EQ(middle.get_weights()[0].shape(), (Shape{3, 4}));
  expect_layer_normalized(y4.reshape({2, 12, 5}), x4.reshape({2, 12, 5}), 1, std::vector<double>(12, 1.0),
                          std::vector<double>(12, 0.0), 1e-3);
}

TEST(LayerNormalization, SeveralAxesGradientsErrorsAndSaving) {
  utils::set_random_seed(7);
  {
    layers::LayerNormalization ln(axis = {1, 2}, gamma_initializer = "random_normal");
    Tensor x = random::normal({2, 3, 4});
    ln(x);
    keras::test_support::expect_gradients_match(ln, {x});
  }
  {
    layers::LayerNormalization ln(axis = {1, 2}, beta_initializer = "random_normal");
    Tensor x = random::normal({2, 3, 2, 3});
    ln(x);
    keras::test_support::expect_gradients_match(ln, {x});
  }
  EXPECT_THROW_WITH(layers::LayerNormalization(axis = {1, 3})(Input({3, 4, 5})),
                    "keraspp's LayerNormalization normalizes over adjacent axes only; received axis=(1, 3)", "Hint:");
  EXPECT_THROW_WITH(layers::LayerNormalization(axis = {1, 4})(Input({3, 4, 5})),
                    "axis 4 is out of bounds for array of dimension 4", "Hint:");
  layers::LayerNormalization built(axis = {1, 2});
  built(Tensor::zeros({2, 3, 4}));
  EXPECT_THROW_WITH(built(Tensor::zeros({2, 3, 5})), "expected axis 2 of input shape to have value 4");
  auto in = Input(shape = {3, 4});
  Model model(in, layers::LayerNormalization(axis = {1, 2}, name = "ln")(in));
  Model loaded = keras::test_support::expect_keras_round_trip(model, random::normal({2, 3, 4}));
  EXPECT_EQ(keras::test_support::saved_layer_config(loaded, "LayerNormalization")["axis"],
            nlohmann::ordered_json::parse("[1, 2]"));
  EXPECT_EQ(loaded.get_layer("ln").get_weights()[0].shape(), (Shape{3, 4}));
}
