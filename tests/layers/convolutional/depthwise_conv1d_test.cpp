#include "keras/layers/convolutional/depthwise_conv1d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_reference.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(DepthwiseConv1D, ShapesValuesAndGradients) {
  utils::clear_session();
  utils::set_random_seed(53);
  layers::DepthwiseConv1D c(3, depth_multiplier = 2);
  EXPECT_EQ(c.name(), "depthwise_conv1d");
  EXPECT_EQ(c(Input({100, 8})).shape(), (Shape{None, 98, 16}));
  EXPECT_EQ(c.get_weights()[0].shape(), (Shape{3, 8, 2}));
  EXPECT_EQ(c.get_weights()[1].shape(), (Shape{16}));
  layers::DepthwiseConv1D l(3, depth_multiplier = 2, strides = 2, padding = "same", activation = "sigmoid");
  Tensor x = random::normal({2, 7, 3});
  l(x);
  l.set_weights({random::normal({3, 3, 2}), random::normal({6})});
  auto w = l.get_weights();
  Tensor ref = conv_test::reference_conv(x, w[0].copy().reshape({3, 1, 6}), w[1], {{2}, {1}, "same", 3});
  for (int64_t i = 0; i < ref.size(); ++i) ref.data()[i] = 1.0f / (1.0f + std::exp(-ref.data()[i]));
  Tensor y = l(x);
  ASSERT_EQ(y.dims(), ref.dims());
  EXPECT_LT(max_abs_diff(y, ref), 1e-5f);
  keras::test_support::expect_gradients_match(l, {x});
  EXPECT_THROW_WITH(layers::DepthwiseConv1D(3, padding = "causal"), "one of {'valid', 'same'}. Received: causal",
                    "Hint:");
  EXPECT_THROW_WITH(layers::DepthwiseConv1D(5)(Input({3, 4})), "Computed output size would be zero or negative",
                    "`kernel shape=(5, 4, 4)`", "Hint:");
}
