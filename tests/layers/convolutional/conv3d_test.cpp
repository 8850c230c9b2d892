#include "keras/layers/convolutional/conv3d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using conv_test::keras_out_size;
using keras::test_support::randomize;

TEST(Conv3D, ShapesWeightsAndName) {
  utils::clear_session();
  layers::Conv3D c(8, 3, input_shape = {16, 16, 16, 1});
  EXPECT_EQ(c.name(), "conv3d");
  EXPECT_EQ(c(Tensor::zeros({2, 16, 16, 16, 1})).shape(), (Shape{2, 14, 14, 14, 8}));
  EXPECT_EQ(c.get_weights()[0].shape(), (Shape{3, 3, 3, 1, 8}));
  EXPECT_EQ(c.count_params(), 27 * 8 + 8);
  for (int64_t n : {4, 5, 9})
    for (int64_t k : {1, 2, 3})
      for (int64_t s : {1, 2})
        for (const char* p : {"valid", "same"}) {
          SCOPED_TRACE(::testing::Message() << "n=" << n << " k=" << k << " s=" << s << " " << p);
          layers::Conv3D l(2, {k, k, 1}, strides = {s, 1, s}, padding = p);
          Shape want{None, keras_out_size(n, k, s, 1, p), keras_out_size(n + 1, k, 1, 1, p),
                     keras_out_size(n + 2, 1, s, 1, p), 2};
          EXPECT_EQ(l(Input({n, n + 1, n + 2, 3})).shape(), want);
        }
  EXPECT_EQ(layers::Conv3D(2, 3, padding = "same")(Input({None, 5, None, 1})).shape(),
            (Shape{None, None, 5, None, 2}));
}

TEST(Conv3D, ValuesMatchReference) {
  utils::set_random_seed(31);
  struct Case {
    int filters;
    IntTuple k, s, d;
    const char* padding;
    int groups;
    std::vector<int64_t> in;
  };
  std::vector<Case> cases = {
      {3, 3, 1, 1, "valid", 1, {2, 5, 6, 7, 2}},
      {4, {2, 3, 2}, {2, 1, 2}, 1, "same", 2, {1, 6, 5, 7, 4}},
      {2, 2, 1, {2, 1, 2}, "same", 1, {2, 5, 5, 5, 3}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.padding << " groups " << c.groups);
    layers::Conv3D layer(c.filters, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding, groups = c.groups);
    Tensor x = random::normal(c.in);
    randomize(layer, x);
    auto w = layer.get_weights();
    conv_test::RefParams p{c.s.expand(3), c.d.expand(3), c.padding, c.groups};
    Tensor ref = conv_test::reference_conv(x, w[0], w[1], p);
    Tensor y = layer(x);
    ASSERT_EQ(y.dims(), ref.dims());
    EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
  }
  // channels_first agrees with channels_last.
  layers::Conv3D last(3, 2, padding = "same");
  layers::Conv3D first(3, 2, padding = "same", data_format = "channels_first");
  Tensor x = random::normal({2, 4, 5, 3, 2});
  randomize(last, x);
  first(conv_test::to_channels_first(x));
  first.set_weights(last.get_weights());
  EXPECT_LT(max_abs_diff(conv_test::to_channels_last(first(conv_test::to_channels_first(x))), last(x)), 1e-5f);
}

TEST(Conv3D, GradientsMatchNumerical) {
  utils::set_random_seed(32);
  for (int g : {1, 2}) {
    layers::Conv3D layer(2, {2, 3, 2}, padding = "same", strides = {1, 2, 1}, groups = g, activation = "tanh");
    Tensor x = random::normal({2, 4, 5, 3, 2});
    randomize(layer, x);
    keras::test_support::expect_gradients_match(layer, {x}, {.training = true});
  }
  layers::Conv3D dilated(2, 2, dilation_rate = 2);
  Tensor x = random::normal({1, 5, 5, 5, 2});
  randomize(dilated, x);
  keras::test_support::expect_gradients_match(dilated, {x});
}

TEST(Conv3D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Conv3D(8, 3)(Tensor::zeros({10, 4096})), "expected min_ndim=5, found ndim=2",
                    "Hint: Conv3D needs inputs shaped (batch, depth, height, width, channels): reshape the data, e.g. "
                    "x.reshape({10, 16, 16, 16, 1})");
  EXPECT_THROW_WITH(layers::Conv3D(8, 3)(Input({2, 8, 8, 1})),
                    "Computed output size would be zero or negative. Received `inputs shape=(None, 2, 8, 8, 1)`, "
                    "`kernel shape=(3, 3, 3, 1, 8)`, `dilation_rate=[1 1 1]`, `strides=(1, 1, 1)`, `padding=valid`.",
                    "Hint:", "3x3x3 kernel");
  EXPECT_THROW_WITH(layers::Conv3D(8, 3, padding = "causal"), "one of {'valid', 'same'}", "Hint:");
}

TEST(Conv3D, GroupsFollowKerasRules) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Conv3D(6, 3, groups = 4), "The number of filters must be evenly divisible by the number "
                    "of groups. Received: groups=4, filters=6.", "Hint:");
  EXPECT_THROW_WITH(layers::Conv3D(4, 3, groups = 2)(Input({4, 4, 4, 3})),
                    "The number of input channels must be evenly divisible by the number of groups. Received "
                    "groups=2, but the input has 3 channels (full input shape is (None, 4, 4, 4, 3)).", "Hint:");
  layers::Conv3D g(4, 2, groups = 2);
  EXPECT_EQ(g(Input({3, 3, 3, 6})).shape(), (Shape{None, 2, 2, 2, 4}));
  EXPECT_EQ(g.get_weights()[0].shape(), (Shape{2, 2, 2, 3, 4}));  // (*k, in / groups, filters)
}
