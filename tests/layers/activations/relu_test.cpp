#include "keras/layers/activations/relu.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// Keras's formula, written out.
float relu_ref(float x, std::optional<float> max_value, float slope, float threshold) {
  float y = x >= threshold ? x : slope * (x - threshold);
  if (max_value && x >= threshold) y = std::min(y, *max_value);
  return y;
}

// Uniform values in [-lo, hi] kept at least 0.05 away from the given kinks, so central differences stay smooth.
Tensor away_from(std::vector<int64_t> shape, std::vector<float> kinks, float range = 4.0f) {
  Tensor x = random::uniform(std::move(shape), -range, range);
  for (int64_t i = 0; i < x.size(); ++i)
    for (float k : kinks)
      if (std::fabs(x.data()[i] - k) < 0.05f) x.data()[i] = k + (x.data()[i] < k ? -0.1f : 0.1f);
  return x;
}
}  // namespace

TEST(ReLU, ConstructionForms) {
  for (const layers::ReLU& layer : {layers::ReLU(), layers::ReLU(6.0), layers::ReLU(6),
                                    layers::ReLU(max_value = 10.0, negative_slope = 0.5, threshold = 0.0),
                                    layers::ReLU(max_value = None), layers::ReLU(threshold = 1.0, name = "r")})
    EXPECT_EQ(layer.class_name(), "ReLU");
  utils::clear_session();
  EXPECT_EQ(layers::ReLU().name(), "re_lu");
  EXPECT_EQ(layers::ReLU().name(), "re_lu_1");
  EXPECT_EQ(layers::ReLU(name = "act").name(), "act");
  EXPECT_TRUE(layers::ReLU().built());  // weightless: built at construction, as Keras's _build_at_init()
  EXPECT_EQ(layers::ReLU().count_params(), 0);
  EXPECT_TRUE(layers::LeakyReLU().built());
  EXPECT_TRUE(layers::ELU().built());
  EXPECT_FALSE(layers::PReLU().built());
}

TEST(ReLU, Shapes) {
  EXPECT_EQ(layers::ReLU()(Input({10, 3})).shape(), (Shape{None, 10, 3}));
  EXPECT_EQ(layers::ReLU(6.0)(random::normal({2, 3, 4, 5})).shape(), (Shape{2, 3, 4, 5}));
  Sequential model({Input({4}), layers::Dense(3), layers::ReLU()});
  EXPECT_EQ(model.output_shape(), (Shape{None, 3}));
}

TEST(ReLU, KerasDocstringExamples) {
  Tensor x({-10.0f, -5.0f, 0.0f, 5.0f, 10.0f}, {1, 5});
  EXPECT_EQ(layers::ReLU(max_value = 10.0, negative_slope = 0.5, threshold = 0.0)(x).to_vector(),
            (std::vector<float>{-5.0f, -2.5f, 0.0f, 5.0f, 10.0f}));
  Tensor t({6.0f, 7.0f, 0.0f, 5.0f, 10.0f}, {1, 5});
  EXPECT_EQ(layers::ReLU(max_value = 8.0, negative_slope = 0.0, threshold = 5.0)(t).to_vector(),
            (std::vector<float>{6.0f, 7.0f, 0.0f, 0.0f, 8.0f}));
  EXPECT_EQ(layers::ReLU()(x).to_vector(), (std::vector<float>{0.0f, 0.0f, 0.0f, 5.0f, 10.0f}));
  EXPECT_EQ(layers::ReLU(6.0)(x).to_vector(), (std::vector<float>{0.0f, 0.0f, 0.0f, 5.0f, 6.0f}));
}

TEST(ReLU, ValuesMatchTheFormula) {
  utils::set_random_seed(3);
  struct P {
    std::optional<float> max_value;
    float slope, threshold;
  };
  for (const P& p : {P{std::nullopt, 0.0f, 0.0f}, P{6.0f, 0.0f, 0.0f}, P{2.5f, 0.0f, 0.0f}, P{std::nullopt, 0.1f, 0.0f},
                     P{std::nullopt, 0.2f, 1.0f}, P{3.0f, 0.3f, 0.5f}, P{std::nullopt, 0.0f, 1.5f}}) {
    kw::Kwargs k;
    if (p.max_value) k.set("max_value", static_cast<double>(*p.max_value));
    k.set("negative_slope", static_cast<double>(p.slope));
    k.set("threshold", static_cast<double>(p.threshold));
    layers::ReLU layer(k);
    Tensor x = random::uniform({4, 6, 5}, -5.0f, 5.0f);
    Tensor y = layer(x);
    for (int64_t i = 0; i < x.size(); ++i)
      EXPECT_NEAR(y.data()[i], relu_ref(x.data()[i], p.max_value, p.slope, p.threshold), 1e-6)
          << "x=" << x.data()[i];
  }
}

TEST(ReLU, Gradients) {
  utils::set_random_seed(4);
  {
    layers::ReLU layer;
    Tensor x = away_from({3, 7}, {0.0f});
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
  {
    layers::ReLU layer(max_value = 2.0, negative_slope = 0.3, threshold = 0.5);
    Tensor x = away_from({3, 4, 5}, {0.5f, 2.0f});
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
  {
    layers::ReLU layer(6.0);
    Tensor x = away_from({4, 5}, {0.0f, 6.0f}, 8.0f);
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
  Sequential model({Input({5}), layers::Dense(4), layers::ReLU(negative_slope = 0.1), layers::Dense(2)});
  keras::test_support::expect_gradients_match(model, {random::normal({3, 5})});
}

TEST(ReLU, Errors) {
  EXPECT_THROW_WITH(layers::ReLU(max_value = -10.0),
                    "max_value of a ReLU layer cannot be a negative value. Received: max_value=-10.0", "Hint:");
  EXPECT_THROW_WITH(layers::ReLU(-1.0), "max_value of a ReLU layer cannot be a negative value", "Hint:");
  EXPECT_THROW_WITH(layers::ReLU(negative_slope = -0.5),
                    "negative_slope of a ReLU layer cannot be a negative value. Received: negative_slope=-0.5",
                    "Hint:");
  EXPECT_THROW_WITH(layers::ReLU(threshold = -0.1),
                    "threshold of a ReLU layer cannot be a negative value. Received: threshold=-0.1", "Hint:");
}

TEST(ReLU, ConfigAndRegistry) {
  layers::ReLU layer(max_value = 3.0, negative_slope = 0.2, threshold = 0.5);
  Layer copy = layers::from_config("ReLU", layer.impl()->config());
  EXPECT_EQ(copy.class_name(), "ReLU");
  Tensor x = random::normal({4, 6});
  EXPECT_EQ(copy(x).to_vector(), layer(x).to_vector());
  EXPECT_EQ(layers::from_config("ReLU", {}).name().rfind("re_lu", 0), 0u);
}
