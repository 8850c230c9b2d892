#include "keras/layers/reshaping/zero_padding1d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(ZeroPadding1D, Shapes) {
  EXPECT_EQ(layers::ZeroPadding1D()(Input({10, 3})).shape(), (Shape{None, 12, 3}));  // default 1
  EXPECT_EQ(layers::ZeroPadding1D(2)(Input({10, 3})).shape(), (Shape{None, 14, 3}));
  EXPECT_EQ(layers::ZeroPadding1D({1, 3})(Input({10, 3})).shape(), (Shape{None, 14, 3}));
  EXPECT_EQ(layers::ZeroPadding1D(padding = 0)(Input({None, 3})).shape(), (Shape{None, None, 3}));
  EXPECT_EQ(layers::ZeroPadding1D(1, data_format = "channels_first")(Input({3, 10})).shape(), (Shape{None, 3, 12}));
}

TEST(ZeroPadding1D, Values) {
  // Keras's docstring example: (2, 2, 3) padded by 2.
  Tensor x = Tensor::arange(12).reshape({2, 2, 3});
  std::vector<float> expected;
  for (int b = 0; b < 2; ++b) {
    for (int i = 0; i < 6; ++i) expected.push_back(0);
    for (int i = 0; i < 6; ++i) expected.push_back(static_cast<float>(b * 6 + i));
    for (int i = 0; i < 6; ++i) expected.push_back(0);
  }
  EXPECT_EQ(layers::ZeroPadding1D(2)(x).to_vector(), expected);
  EXPECT_EQ(layers::ZeroPadding1D({0, 1})(Tensor({1, 2}, {1, 2, 1})).to_vector(), (std::vector<float>{1, 2, 0}));
  EXPECT_EQ(layers::ZeroPadding1D({2, 1}, data_format = "channels_first")(Tensor({1, 2, 3, 4}, {1, 2, 2})).to_vector(),
            (std::vector<float>{0, 0, 1, 2, 0, 0, 0, 3, 4, 0}));
}

TEST(ZeroPadding1D, Gradients) {
  utils::set_random_seed(23);
  Tensor x = random::normal({2, 5, 3});
  layers::ZeroPadding1D p({2, 1});
  p(x);
  keras::test_support::expect_gradients_match(p, {x});
  layers::ZeroPadding1D q({0, 3}, data_format = "channels_first");
  q(x);
  keras::test_support::expect_gradients_match(q, {x});
}

TEST(ZeroPadding1D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::ZeroPadding1D()(Input({10})),
                    "Input 0 of layer \"zero_padding1d\" is incompatible with the layer: expected ndim=3, found ndim=2",
                    "Hint: ZeroPadding1D needs (batch, steps, features)", "Reshape({10, 1})");
  EXPECT_THROW_WITH(layers::ZeroPadding1D()(Input({8, 8, 1})), "found ndim=4", "use ZeroPadding2D");
  EXPECT_THROW_WITH(layers::ZeroPadding1D({1, 2, 3}),
                    "The `padding` argument must be a tuple of 2 integers. Received padding=(1, 2, 3)", "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding1D(-2),
                    "The `padding` argument must be a tuple of 2 integers. Received padding=-2, including values {-2} "
                    "that do not satisfy `value >= 0`",
                    "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding1D({{1, 2}, {3, 4}}), "Received padding=((1, 2), (3, 4))", "Hint:");
}

TEST(ZeroPadding1D, ConfigAndRegistry) {
  layers::ZeroPadding1D p({1, 2});
  Tensor x = random::normal({1, 3, 2});
  EXPECT_EQ(layers::from_config("ZeroPadding1D", p.impl()->config())(x).to_vector(), p(x).to_vector());
}
