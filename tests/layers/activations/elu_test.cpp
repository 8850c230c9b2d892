#include "keras/layers/activations/elu.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(ELU, ConstructionForms) {
  for (const layers::ELU& layer : {layers::ELU(), layers::ELU(0.5), layers::ELU(alpha = 2.0), layers::ELU(alpha = None)})
    EXPECT_EQ(layer.class_name(), "ELU");
  utils::clear_session();
  EXPECT_EQ(layers::ELU().name(), "elu");
  EXPECT_EQ(layers::ELU().name(), "elu_1");
}

TEST(ELU, ShapesAndValues) {
  EXPECT_EQ(layers::ELU()(Input({3, 4})).shape(), (Shape{None, 3, 4}));
  utils::set_random_seed(6);
  Tensor x = random::normal({4, 5, 3});
  for (double alpha : {1.0, 0.5, 2.0, -0.5}) {
    SCOPED_TRACE(alpha);
    Tensor y = layers::ELU(alpha)(x);
    ASSERT_EQ(y.shape(), x.shape());
    for (int64_t i = 0; i < x.size(); ++i) {
      const double v = x.data()[i];
      EXPECT_NEAR(y.data()[i], v > 0 ? v : alpha * (std::exp(v) - 1.0), 1e-6);
    }
  }
}

TEST(ELU, Gradients) {
  utils::set_random_seed(7);
  for (double alpha : {1.0, 0.3, 2.0}) {
    SCOPED_TRACE(alpha);
    layers::ELU layer(alpha);
    Tensor x = random::normal({3, 8});
    for (int64_t i = 0; i < x.size(); ++i)
      if (std::fabs(x.data()[i]) < 0.05f) x.data()[i] = -0.1f;
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
}

TEST(ELU, ConfigAndRegistry) {
  layers::ELU layer(0.7);
  Layer copy = layers::from_config("ELU", layer.impl()->config());
  EXPECT_EQ(copy.class_name(), "ELU");
  Tensor x = random::normal({3, 4});
  EXPECT_EQ(copy(x).to_vector(), layer(x).to_vector());
}
