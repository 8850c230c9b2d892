#include "keras/layers/reshaping/cropping2d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// Naive cropping of (n, h, w, c) or (n, c, h, w).
Tensor naive_crop2d(const Tensor& x, int64_t top, int64_t bottom, int64_t left, int64_t right, bool cf) {
  const auto& d = x.dims();
  const int64_t n = d[0], c = cf ? d[1] : d[3], h = cf ? d[2] : d[1], w = cf ? d[3] : d[2];
  const int64_t oh = h - top - bottom, ow = w - left - right;
  Tensor y = Tensor::zeros(cf ? std::vector<int64_t>{n, c, oh, ow} : std::vector<int64_t>{n, oh, ow, c});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j)
        for (int64_t k = 0; k < c; ++k) {
          if (cf) y.at({b, k, i, j}) = x.at({b, k, i + top, j + left});
          else y.at({b, i, j, k}) = x.at({b, i + top, j + left, k});
        }
  return y;
}
}  // namespace

TEST(Cropping2D, Shapes) {
  EXPECT_EQ(layers::Cropping2D()(Input({28, 28, 3})).shape(), (Shape{None, 28, 28, 3}));  // default: no cropping
  EXPECT_EQ(layers::Cropping2D({{2, 2}, {4, 4}})(Tensor::zeros({2, 28, 28, 3})).shape(), (Shape{2, 24, 20, 3}));
  EXPECT_EQ(layers::Cropping2D(2)(Input({28, 28, 3})).shape(), (Shape{None, 24, 24, 3}));
  EXPECT_EQ(layers::Cropping2D({1, 3})(Input({28, 28, 3})).shape(), (Shape{None, 26, 22, 3}));
  EXPECT_EQ(layers::Cropping2D(cropping = {{0, 1}, {2, 0}})(Input({None, 6, 3})).shape(), (Shape{None, None, 4, 3}));
  EXPECT_EQ(layers::Cropping2D(1, data_format = "channels_first")(Input({3, 8, 9})).shape(), (Shape{None, 3, 6, 7}));
}

TEST(Cropping2D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(31);
  Tensor x = random::normal({2, 6, 7, 3});
  EXPECT_EQ(layers::Cropping2D({{1, 2}, {3, 0}})(x).to_vector(), naive_crop2d(x, 1, 2, 3, 0, false).to_vector());
  EXPECT_EQ(layers::Cropping2D({2, 1})(x).to_vector(), naive_crop2d(x, 2, 2, 1, 1, false).to_vector());
  EXPECT_EQ(layers::Cropping2D({{0, 1}, {1, 1}}, data_format = "channels_first")(x).to_vector(),
            naive_crop2d(x, 0, 1, 1, 1, true).to_vector());
}

TEST(Cropping2D, Gradients) {
  utils::set_random_seed(32);
  for (bool cf : {false, true}) {
    Tensor x = random::normal({2, 5, 6, 4});
    layers::Cropping2D c({{1, 2}, {0, 3}}, data_format = cf ? "channels_first" : "channels_last");
    c(x);
    keras::test_support::expect_gradients_match(c, {x});
  }
  // ZeroPadding2D then Cropping2D is the identity, and so is its gradient.
  Sequential model({Input({4, 4, 2}), layers::ZeroPadding2D({{1, 2}, {3, 1}}), layers::Cropping2D({{1, 2}, {3, 1}})});
  Tensor x = random::normal({3, 4, 4, 2});
  EXPECT_EQ(model(x).to_vector(), x.to_vector());
  keras::test_support::expect_gradients_match(model, {x});
}

TEST(Cropping2D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Cropping2D()(Input({28, 28})),
                    "Input 0 of layer \"cropping2d\" is incompatible with the layer: expected ndim=4, found ndim=3",
                    "Hint: Cropping2D needs (batch, height, width, channels)", "Cropping1D");
  EXPECT_THROW_WITH(layers::Cropping2D({{10, 10}, {2, 2}})(Input({20, 28, 3})),
                    "Values in `cropping` argument should be smaller than the corresponding spatial dimension of the "
                    "input. Received: input_shape=(None, 20, 28, 3), cropping=((10, 10), (2, 2))",
                    "Hint: Cropping2D removes 10 + 10 and 2 + 2 from images of 20 x 28");
  EXPECT_THROW_WITH(layers::Cropping2D(3)(Tensor::zeros({1, 8, 6, 1})),
                    "Received: inputs.shape=(1, 8, 6, 1), cropping=((3, 3), (3, 3))", "Hint:");
  EXPECT_THROW_WITH(layers::Cropping2D(-1), "`cropping` cannot be negative. Received: cropping=-1.", "Hint:");
  EXPECT_THROW_WITH(layers::Cropping2D({1, 2, 3}), "`cropping` should have two elements. Received: cropping=(1, 2, 3).",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Cropping2D({{1}, {2, 3, 4}}),
                    "The `2nd entry of cropping` argument must be a tuple of 2 integers. Received 2nd entry of "
                    "cropping=(2, 3, 4)",
                    "Hint:");
}

TEST(Cropping2D, ConfigAndRegistry) {
  layers::Cropping2D c({{1, 0}, {0, 2}});
  Tensor x = random::normal({1, 3, 4, 2});
  EXPECT_EQ(layers::from_config("Cropping2D", c.impl()->config())(x).to_vector(), c(x).to_vector());
}
