#include "keras/layers/convolutional/depthwise_conv2d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::randomize;

namespace {
// Keras's depthwise kernel (*k, C, dm) as the grouped Conv kernel (*k, 1, C*dm) (output channel c*dm + m).
Tensor as_grouped(const Tensor& k) {
  std::vector<int64_t> d(k.dims().begin(), k.dims().end() - 2);
  d.push_back(1);
  d.push_back(k.dims()[k.dims().size() - 2] * k.dims().back());
  return k.copy().reshape(d);
}
}  // namespace

TEST(DepthwiseConv2D, ShapesWeightsAndDefaults) {
  utils::clear_session();
  layers::DepthwiseConv2D c({3, 3});
  EXPECT_EQ(c.name(), "depthwise_conv2d");
  EXPECT_EQ(c(Tensor::zeros({2, 28, 28, 32})).shape(), (Shape{2, 26, 26, 32}));
  auto w = c.get_weights();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].shape(), (Shape{3, 3, 32, 1}));
  EXPECT_EQ(w[1].shape(), (Shape{32}));
  EXPECT_EQ(c.impl()->own_variables()[0]->name, "kernel");
  EXPECT_EQ(c.impl()->own_variables()[1]->name, "bias");
  EXPECT_EQ(c.count_params(), 9 * 32 + 32);
  layers::DepthwiseConv2D dm(3, depth_multiplier = 2, strides = 2, padding = "same", use_bias = false);
  EXPECT_EQ(dm(Input({9, 8, 3})).shape(), (Shape{None, 5, 4, 6}));
  EXPECT_EQ(dm.get_weights().size(), 1u);
  EXPECT_EQ(dm.get_weights()[0].shape(), (Shape{3, 3, 3, 2}));
  EXPECT_EQ(layers::DepthwiseConv2D(kernel_size = {3, 1}, dilation_rate = 2)(Input({9, None, 4})).shape(),
            (Shape{None, 5, None, 4}));
  EXPECT_EQ(layers::DepthwiseConv2D(3, depth_multiplier = 3, data_format = "channels_first")(Input({2, 5, 6}))
                .shape(),
            (Shape{None, 6, 3, 4}));
}

TEST(DepthwiseConv2D, ValuesMatchReference) {
  utils::set_random_seed(31);
  struct Case {
    IntTuple k, s, d;
    const char* padding;
    int dm;
    std::vector<int64_t> in;
  };
  std::vector<Case> cases = {{3, 1, 1, "valid", 1, {2, 6, 5, 3}},  {{3, 2}, {2, 1}, 1, "same", 2, {2, 7, 6, 4}},
                             {3, 1, 2, "same", 3, {1, 7, 7, 2}},   {2, 2, 1, "valid", 1, {2, 5, 5, 16}},
                             {5, 3, 1, "same", 2, {1, 8, 7, 5}}};
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.padding << " dm " << c.dm);
    layers::DepthwiseConv2D layer(c.k, strides = c.s, dilation_rate = c.d, padding = c.padding,
                                  depth_multiplier = c.dm);
    Tensor x = random::normal(c.in);
    randomize(layer, x);
    auto w = layer.get_weights();
    conv_test::RefParams p{c.s.expand(2), c.d.expand(2), c.padding, c.in.back()};
    Tensor ref = conv_test::reference_conv(x, as_grouped(w[0]), w[1], p);
    Tensor y = layer(x);
    ASSERT_EQ(y.dims(), ref.dims());
    EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
  }
  // Output channel c*dm + m is input channel c convolved with kernel[..., c, m].
  layers::DepthwiseConv2D one(1, depth_multiplier = 2, use_bias = false);
  Tensor x = Tensor::arange(6).reshape({1, 1, 2, 3});
  one(x);
  one.set_weights({Tensor::arange(6).reshape({1, 1, 3, 2})});
  Tensor y = one(x);
  ASSERT_EQ(y.shape(), (Shape{1, 1, 2, 6}));
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t m = 0; m < 2; ++m) EXPECT_FLOAT_EQ(y.at({0, 0, 1, c * 2 + m}), (3 + c) * (c * 2 + m));
}

TEST(DepthwiseConv2D, GradientsMatchNumerical) {
  utils::set_random_seed(32);
  for (const char* df : {"channels_last", "channels_first"})
    for (bool training : {false, true}) {
      SCOPED_TRACE(::testing::Message() << df << " training " << training);
      layers::DepthwiseConv2D a(3, depth_multiplier = 2, padding = "same", strides = 2, activation = "tanh",
                                data_format = df);
      Tensor xa = random::normal({2, 3, 5, 4});
      randomize(a, xa);
      keras::test_support::expect_gradients_match(a, {xa}, {.training = training});
      layers::DepthwiseConv2D b({2, 3}, dilation_rate = {2, 1}, activation = "relu", data_format = df);
      Tensor xb = random::normal({1, 3, 6, 5});
      randomize(b, xb);
      keras::test_support::expect_gradients_match(b, {xb}, {.training = training});
    }
}

TEST(DepthwiseConv2D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::DepthwiseConv2D(3, depth_multiplier = 0),
                    "Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received "
                    "depth_multiplier=0.", "Hint:");
  EXPECT_THROW_WITH(layers::DepthwiseConv2D(), "DepthwiseConv2D.__init__() missing 1 required positional argument: "
                    "'kernel_size'", "Hint:");
  EXPECT_THROW_WITH(layers::DepthwiseConv2D(3, strides = 2, dilation_rate = 2),
                    "`strides > 1` not supported in conjunction with `dilation_rate > 1`", "Hint:");
  EXPECT_THROW_WITH(layers::DepthwiseConv2D(3)(Tensor::zeros({10, 28, 28})), "expected min_ndim=4, found ndim=3",
                    "Hint:", "x.reshape({10, 28, 28, 1})");
  EXPECT_THROW_WITH((Sequential({Input({2, 2, 8}), layers::DepthwiseConv2D(3, depth_multiplier = 2)})),
                    "Computed output size would be zero or negative. Received `inputs shape=(None, 2, 2, 8)`, "
                    "`kernel shape=(3, 3, 8, 16)`, `dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.",
                    "Hint:");
  layers::DepthwiseConv2D reused(3);
  reused(Tensor::zeros({1, 5, 5, 3}));
  EXPECT_THROW_WITH(reused(Tensor::zeros({1, 5, 5, 4})), "expected axis -1 of input shape to have value 3", "Hint:");
  EXPECT_TRUE(layers::is_registered("DepthwiseConv2D"));
  EXPECT_TRUE(layers::is_registered("DepthwiseConv1D"));
}
