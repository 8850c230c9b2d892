#include "keras/layers/normalization/unit_normalization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;

TEST(UnitNormalization, ShapesAndBadAxes) {
  EXPECT_EQ(layers::UnitNormalization()(Input(shape = {4, 3})).shape(), (Shape{None, 4, 3}));
  EXPECT_EQ(layers::UnitNormalization({1, 2})(Input(shape = {4, 3})).shape(), (Shape{None, 4, 3}));
  EXPECT_THROW_WITH(layers::UnitNormalization(axis = 3)(Input(shape = {4, 3})),
                    "axis 3 is out of bounds for array of dimension 3", "Hint:");
  EXPECT_THROW_WITH(layers::UnitNormalization({1, 3})(Input(shape = {2, 3, 4})),
                    "normalizes over adjacent axes only; received axis=(1, 3)", "Hint:");
  EXPECT_THROW_WITH(layers::UnitNormalization(axis = -4)(Tensor::ones({2, 3, 4})), "axis -4 is out of bounds", "Hint:");
}

TEST(UnitNormalization, ValuesMatchTheDefinition) {
  // Keras's docstring example: each row of arange(6).reshape(2, 3) has unit norm.
  Tensor y = layers::UnitNormalization()(Tensor::arange(6).reshape({2, 3}));
  EXPECT_NEAR(y.at({0, 1}), 1.0f / std::sqrt(5.0f), 1e-6f);
  EXPECT_NEAR(y.at({1, 2}), 5.0f / std::sqrt(50.0f), 1e-6f);
  // Over axes {1, 2} of (2, 3, 4), and axis 1 (a middle axis): against sums computed here.
  Tensor x = random::normal({2, 3, 4});
  Tensor z = layers::UnitNormalization({1, 2})(x), m = layers::UnitNormalization(axis = 1)(x);
  EXPECT_EQ(layers::UnitNormalization(axis = {1, 2})(x).to_vector(), z.to_vector());
  for (int64_t b = 0; b < 2; ++b) {
    double ss = 0;
    for (int64_t i = 0; i < 12; ++i) ss += std::pow(x.data()[b * 12 + i], 2);
    for (int64_t i = 0; i < 12; ++i) EXPECT_NEAR(z.data()[b * 12 + i], x.data()[b * 12 + i] / std::sqrt(ss), 1e-5);
    for (int64_t c = 0; c < 4; ++c) {
      double col = 0;
      for (int64_t r = 0; r < 3; ++r) col += std::pow(x.at({b, r, c}), 2);
      for (int64_t r = 0; r < 3; ++r) EXPECT_NEAR(m.at({b, r, c}), x.at({b, r, c}) / std::sqrt(col), 1e-5);
    }
  }
  // A zero row stays 0: the square sum is clamped at 1e-12.
  Tensor zeros = layers::UnitNormalization()(Tensor::zeros({1, 3}));
  EXPECT_EQ(zeros.to_vector(), std::vector<float>(3, 0.0f));
}

TEST(UnitNormalization, Gradients) {
  for (IntTuple axes : {IntTuple(-1), IntTuple(1), IntTuple({1, 2})}) {
    layers::UnitNormalization u(axes);
    Tensor x = random::normal({2, 3, 4});
    u(x);
    kt::expect_gradients_match(u, {x});
  }
}

TEST(UnitNormalization, SavingAndConfig) {
  auto in = Input(shape = {3, 4});
  auto h = layers::UnitNormalization()(in);
  h = layers::UnitNormalization({1, 2})(h);
  Model model(in, layers::Dense(2)(h));
  Model loaded = kt::expect_keras_round_trip(model, random::normal({5, 3, 4}));
  const std::string json = loaded.to_json();
  EXPECT_NE(json.find("\"axis\": [1, 2]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"axis\": -1"), std::string::npos) << json;
}
