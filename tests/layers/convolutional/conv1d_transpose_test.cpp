#include "keras/layers/convolutional/conv1d_transpose.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_transpose_reference.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Conv1DTranspose, ShapesValuesAndGradients) {
  utils::clear_session();
  utils::set_random_seed(51);
  layers::Conv1DTranspose c(8, 3, strides = 2);
  EXPECT_EQ(c.name(), "conv1d_transpose");
  EXPECT_EQ(c(Input({50, 16})).shape(), (Shape{None, 101, 8}));
  EXPECT_EQ(c.get_weights()[0].shape(), (Shape{3, 8, 16}));
  EXPECT_EQ(layers::Conv1DTranspose(4, 4, strides = 2, padding = "same")(Input({5, 2})).shape(), (Shape{None, 10, 4}));
  for (const char* p : {"valid", "same"}) {
    layers::Conv1DTranspose l(3, 3, strides = 2, padding = p, output_padding = 1, activation = "tanh");
    Tensor x = random::normal({2, 5, 4});
    l(x);
    l.set_weights({random::normal({3, 3, 4}), random::normal({3})});
    auto w = l.get_weights();
    Tensor ref = conv_test::reference_conv_transpose(x, w[0], w[1], {2}, {1}, p, {1});
    for (int64_t i = 0; i < ref.size(); ++i) ref.data()[i] = std::tanh(ref.data()[i]);
    Tensor y = l(x);
    ASSERT_EQ(y.dims(), ref.dims());
    EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
    keras::test_support::expect_gradients_match(l, {x});
  }
  EXPECT_THROW_WITH(layers::Conv1DTranspose(4, 3, padding = "causal"), "Received: causal", "Hint:");
  EXPECT_THROW_WITH(layers::Conv1DTranspose(4, 3)(Tensor::zeros({4, 10})), "expected min_ndim=3, found ndim=2",
                    "Hint:");
}

TEST(Conv3DTranspose, ShapesValuesAndGradients) {
  utils::clear_session();
  utils::set_random_seed(52);
  layers::Conv3DTranspose c(4, 2, strides = 2);
  EXPECT_EQ(c.name(), "conv3d_transpose");
  EXPECT_EQ(c(Input({4, 4, 4, 8})).shape(), (Shape{None, 8, 8, 8, 4}));
  EXPECT_EQ(c.get_weights()[0].shape(), (Shape{2, 2, 2, 4, 8}));
  layers::Conv3DTranspose l(2, {3, 2, 2}, strides = {1, 2, 1}, padding = "same");
  Tensor x = random::normal({2, 3, 3, 2, 3});
  l(x);
  l.set_weights({random::normal({3, 2, 2, 2, 3}), random::normal({2})});
  auto w = l.get_weights();
  Tensor ref = conv_test::reference_conv_transpose(x, w[0], w[1], {1, 2, 1}, {1, 1, 1}, "same");
  Tensor y = l(x);
  ASSERT_EQ(y.dims(), ref.dims());
  EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
  keras::test_support::expect_gradients_match(l, {x});
}
