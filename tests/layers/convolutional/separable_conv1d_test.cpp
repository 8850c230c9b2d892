#include "keras/layers/convolutional/separable_conv1d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_reference.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(SeparableConv1D, ShapesValuesAndGradients) {
  utils::clear_session();
  utils::set_random_seed(54);
  layers::SeparableConv1D c(32, 3);
  EXPECT_EQ(c.name(), "separable_conv1d");
  EXPECT_EQ(c(Input({100, 8})).shape(), (Shape{None, 98, 32}));
  auto shapes = c.get_weights();
  EXPECT_EQ(shapes[0].shape(), (Shape{3, 8, 1}));
  EXPECT_EQ(shapes[1].shape(), (Shape{1, 8, 32}));
  EXPECT_EQ(shapes[2].shape(), (Shape{32}));
  layers::SeparableConv1D l(4, 3, depth_multiplier = 2, dilation_rate = 2, padding = "same");
  Tensor x = random::normal({2, 9, 3});
  l(x);
  l.set_weights({random::normal({3, 3, 2}), random::normal({1, 6, 4}), random::normal({4})});
  auto w = l.get_weights();
  Tensor mid = conv_test::reference_conv(x, w[0].copy().reshape({3, 1, 6}), Tensor(), {{1}, {2}, "same", 3});
  Tensor ref = conv_test::reference_conv(mid, w[1], w[2], {{1}, {1}, "valid", 1});
  Tensor y = l(x);
  ASSERT_EQ(y.dims(), ref.dims());
  EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
  keras::test_support::expect_gradients_match(l, {x});
  EXPECT_THROW_WITH(layers::SeparableConv1D(4, 3)(Tensor::zeros({4, 10})), "expected min_ndim=3, found ndim=2",
                    "Hint:");
}
