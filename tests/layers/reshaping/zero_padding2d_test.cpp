#include "keras/layers/reshaping/zero_padding2d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// Naive zero padding of (n, h, w, c) or (n, c, h, w).
Tensor naive_zero_pad2d(const Tensor& x, int64_t top, int64_t bottom, int64_t left, int64_t right, bool cf) {
  const auto& d = x.dims();
  const int64_t n = d[0], c = cf ? d[1] : d[3], h = cf ? d[2] : d[1], w = cf ? d[3] : d[2];
  const int64_t oh = h + top + bottom, ow = w + left + right;
  Tensor y = Tensor::zeros(cf ? std::vector<int64_t>{n, c, oh, ow} : std::vector<int64_t>{n, oh, ow, c});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j)
        for (int64_t k = 0; k < c; ++k) {
          const float v = cf ? x.at({b, k, i, j}) : x.at({b, i, j, k});
          if (cf) y.at({b, k, i + top, j + left}) = v;
          else y.at({b, i + top, j + left, k}) = v;
        }
  return y;
}
}  // namespace

TEST(ZeroPadding2D, Shapes) {
  EXPECT_EQ(layers::ZeroPadding2D()(Input({28, 28, 3})).shape(), (Shape{None, 30, 30, 3}));  // default (1, 1)
  EXPECT_EQ(layers::ZeroPadding2D(2)(Input({28, 28, 3})).shape(), (Shape{None, 32, 32, 3}));
  EXPECT_EQ(layers::ZeroPadding2D({1, 2})(Input({28, 28, 3})).shape(), (Shape{None, 30, 32, 3}));
  EXPECT_EQ(layers::ZeroPadding2D({{1, 0}, {2, 3}})(Input({28, 28, 3})).shape(), (Shape{None, 29, 33, 3}));
  EXPECT_EQ(layers::ZeroPadding2D(padding = {{0, 0}, {0, 0}})(Input({5, 5, 1})).shape(), (Shape{None, 5, 5, 1}));
  EXPECT_EQ(layers::ZeroPadding2D(1, data_format = "channels_first")(Input({3, 8, None})).shape(),
            (Shape{None, 3, 10, None}));
  EXPECT_EQ(layers::ZeroPadding2D({{1, 2}, {3, 4}})(Tensor::zeros({2, 4, 5, 3})).shape(), (Shape{2, 7, 12, 3}));
}

TEST(ZeroPadding2D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(21);
  Tensor x = random::normal({2, 4, 5, 3});
  EXPECT_EQ(layers::ZeroPadding2D({{1, 2}, {3, 0}})(x).to_vector(), naive_zero_pad2d(x, 1, 2, 3, 0, false).to_vector());
  EXPECT_EQ(layers::ZeroPadding2D({2, 1})(x).to_vector(), naive_zero_pad2d(x, 2, 2, 1, 1, false).to_vector());
  EXPECT_EQ(layers::ZeroPadding2D({{0, 1}, {1, 2}}, data_format = "channels_first")(x).to_vector(),
            naive_zero_pad2d(x, 0, 1, 1, 2, true).to_vector());
  // Keras's docstring example: a (1, 1, 2, 2) input padded by 1.
  Tensor small({0, 1, 2, 3}, {1, 1, 2, 2});
  EXPECT_EQ(layers::ZeroPadding2D(1)(small).to_vector(),
            (std::vector<float>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(ZeroPadding2D, Gradients) {
  utils::set_random_seed(22);
  for (bool cf : {false, true}) {
    Tensor x = random::normal({2, 3, 4, 3});
    layers::ZeroPadding2D p({{1, 2}, {0, 3}}, data_format = cf ? "channels_first" : "channels_last");
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
  }
}

TEST(ZeroPadding2D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::ZeroPadding2D()(Input({28, 28})),
                    "Input 0 of layer \"zero_padding2d\" is incompatible with the layer: expected ndim=4, found ndim=3",
                    "Hint: ZeroPadding2D needs (batch, height, width, channels)", "ZeroPadding1D");
  EXPECT_THROW_WITH(layers::ZeroPadding2D({1, 2, 3}),
                    "`padding` should have two elements. Received: padding=(1, 2, 3).", "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding2D({{1, 2, 3}, {1, 1}}),
                    "The `1st entry of padding` argument must be a tuple of 2 integers. Received 1st entry of "
                    "padding=(1, 2, 3)",
                    "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding2D({{1, 1}, {-1, 1}}),
                    "Received 2nd entry of padding=(-1, 1), including values {-1} that do not satisfy `value >= 0`",
                    "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding2D(-1), "`padding` cannot be negative. Received: padding=-1.", "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding2D("same"), "`padding` should have two elements. Received: padding=same.",
                    "Hint:");
}

TEST(ZeroPadding2D, ConfigAndRegistry) {
  layers::ZeroPadding2D p({{1, 2}, {3, 4}});
  Tensor x = random::normal({1, 2, 2, 1});
  EXPECT_EQ(layers::from_config("ZeroPadding2D", p.impl()->config())(x).to_vector(), p(x).to_vector());
}
