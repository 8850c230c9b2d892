#include "keras/layers/activations/leaky_relu.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(LeakyReLU, ConstructionForms) {
  for (const layers::LeakyReLU& layer : {layers::LeakyReLU(), layers::LeakyReLU(0.5),
                                         layers::LeakyReLU(negative_slope = 0.1), layers::LeakyReLU(alpha = 0.2),
                                         layers::LeakyReLU(negative_slope = None, name = "lr")})
    EXPECT_EQ(layer.class_name(), "LeakyReLU");
  utils::clear_session();
  EXPECT_EQ(layers::LeakyReLU().name(), "leaky_re_lu");
  EXPECT_EQ(layers::LeakyReLU().name(), "leaky_re_lu_1");
}

TEST(LeakyReLU, Shapes) {
  EXPECT_EQ(layers::LeakyReLU()(Input({7, 2})).shape(), (Shape{None, 7, 2}));
  EXPECT_EQ(layers::LeakyReLU()(random::normal({3, 4, 5})).shape(), (Shape{3, 4, 5}));
}

TEST(LeakyReLU, Values) {
  // Keras's docstring example.
  Tensor x({-10.0f, -5.0f, 0.0f, 5.0f, 10.0f}, {1, 5});
  EXPECT_EQ(layers::LeakyReLU(negative_slope = 0.5)(x).to_vector(),
            (std::vector<float>{-5.0f, -2.5f, 0.0f, 5.0f, 10.0f}));
  // Keras 3's default slope is 0.3 (keras.activations.leaky_relu's is 0.2).
  Tensor y = layers::LeakyReLU()(x);
  EXPECT_FLOAT_EQ(y.data()[0], -3.0f);
  EXPECT_FLOAT_EQ(y.data()[4], 10.0f);
  // The deprecated alpha= is negative_slope.
  EXPECT_EQ(layers::LeakyReLU(alpha = 0.5)(x).to_vector(), layers::LeakyReLU(0.5)(x).to_vector());
  Tensor r = random::normal({5, 6});
  Tensor out = layers::LeakyReLU(0.01)(r);
  for (int64_t i = 0; i < r.size(); ++i) {
    const float v = r.data()[i];
    EXPECT_FLOAT_EQ(out.data()[i], v >= 0 ? v : 0.01f * v);
  }
}

TEST(LeakyReLU, Gradients) {
  utils::set_random_seed(5);
  for (double slope : {0.3, 0.0, 1.5}) {
    SCOPED_TRACE(slope);
    layers::LeakyReLU layer(slope);
    Tensor x = random::normal({4, 9});
    for (int64_t i = 0; i < x.size(); ++i)
      if (std::fabs(x.data()[i]) < 0.05f) x.data()[i] = 0.1f;
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
}

TEST(LeakyReLU, Errors) {
  EXPECT_THROW_WITH(layers::LeakyReLU(-0.1),
                    "The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a "
                    "float. Received: negative_slope=-0.1",
                    "Hint:");
  EXPECT_THROW_WITH(layers::LeakyReLU(alpha = -2.0), "Received: negative_slope=-2.0", "Hint:");
}

TEST(LeakyReLU, ConfigAndRegistry) {
  layers::LeakyReLU layer(0.25);
  Layer copy = layers::from_config("LeakyReLU", layer.impl()->config());
  EXPECT_EQ(copy.class_name(), "LeakyReLU");
  Tensor x = random::normal({3, 4});
  EXPECT_EQ(copy(x).to_vector(), layer(x).to_vector());
}
