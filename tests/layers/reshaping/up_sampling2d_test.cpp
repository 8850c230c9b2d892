#include "keras/layers/reshaping/up_sampling2d.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// tf.image.resize(..., "bilinear") of one (h, w) plane at (oh, ow): half-pixel centres, edges clamped.
float bilinear_at(const std::vector<float>& plane, int64_t h, int64_t w, int64_t oh, int64_t ow, int64_t i, int64_t j) {
  auto coord = [](int64_t o, int64_t in, int64_t out, int64_t& lo, int64_t& hi) {
    const double src = (static_cast<double>(o) + 0.5) * static_cast<double>(in) / static_cast<double>(out) - 0.5;
    const double fl = std::floor(src);
    lo = std::max<int64_t>(static_cast<int64_t>(fl), 0);
    hi = std::min<int64_t>(static_cast<int64_t>(std::ceil(src)), in - 1);
    return src - fl;
  };
  int64_t y0, y1, x0, x1;
  const double fy = coord(i, h, oh, y0, y1), fx = coord(j, w, ow, x0, x1);
  auto at = [&](int64_t y, int64_t x) { return static_cast<double>(plane[static_cast<size_t>(y * w + x)]); };
  const double top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
  const double bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
  return static_cast<float>(top + (bottom - top) * fy);
}
}  // namespace

TEST(UpSampling2D, Shapes) {
  EXPECT_EQ(layers::UpSampling2D()(Input({7, 5, 3})).shape(), (Shape{None, 14, 10, 3}));  // default (2, 2)
  EXPECT_EQ(layers::UpSampling2D({1, 2})(Input({7, 5, 3})).shape(), (Shape{None, 7, 10, 3}));
  EXPECT_EQ(layers::UpSampling2D(3)(Input({None, 5, 3})).shape(), (Shape{None, None, 15, 3}));
  EXPECT_EQ(layers::UpSampling2D(2, data_format = "channels_first")(Input({3, 4, 5})).shape(), (Shape{None, 3, 8, 10}));
  EXPECT_EQ(layers::UpSampling2D(size = {2, 3}, interpolation = "bilinear")(Tensor::zeros({2, 3, 4, 1})).shape(),
            (Shape{2, 6, 12, 1}));
}

TEST(UpSampling2D, NearestRepeatsPixels) {
  // Keras's docstring example: (2, 2, 1, 3) with size (1, 2).
  Tensor x = Tensor::arange(12).reshape({2, 2, 1, 3});
  EXPECT_EQ(layers::UpSampling2D({1, 2})(x).to_vector(),
            (std::vector<float>{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 8, 6, 7, 8, 9, 10, 11, 9, 10, 11}));
  utils::set_random_seed(41);
  for (bool cf : {false, true}) {
    Tensor z = random::normal({2, 3, 4, 3});
    Tensor y = layers::UpSampling2D({2, 3}, data_format = cf ? "channels_first" : "channels_last")(z);
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t i = 0; i < (cf ? 8 : 6); ++i)
        for (int64_t j = 0; j < (cf ? 9 : 12); ++j)
          for (int64_t c = 0; c < 3; ++c) {
            if (cf) ASSERT_EQ(y.at({b, c, i, j}), z.at({b, c, i / 2, j / 3}));
            else ASSERT_EQ(y.at({b, i, j, c}), z.at({b, i / 2, j / 3, c}));
          }
  }
}

TEST(UpSampling2D, BilinearMatchesTensorFlowsResize) {
  utils::set_random_seed(42);
  Tensor x = random::normal({2, 3, 4, 2});
  Tensor y = layers::UpSampling2D({2, 3}, interpolation = "bilinear")(x);
  ASSERT_EQ(y.shape(), (Shape{2, 6, 12, 2}));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t c = 0; c < 2; ++c) {
      std::vector<float> plane;
      for (int64_t i = 0; i < 3; ++i)
        for (int64_t j = 0; j < 4; ++j) plane.push_back(x.at({b, i, j, c}));
      for (int64_t i = 0; i < 6; ++i)
        for (int64_t j = 0; j < 12; ++j) EXPECT_NEAR(y.at({b, i, j, c}), bilinear_at(plane, 3, 4, 6, 12, i, j), 1e-5);
    }
  // A 1 x 2 row [0, 1] doubled: samples at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
  Tensor row({0, 1}, {1, 1, 2, 1});
  Tensor up = layers::UpSampling2D({1, 2}, interpolation = "BILINEAR")(row);
  EXPECT_EQ(up.to_vector(), (std::vector<float>{0, 0.25f, 0.75f, 1}));
}

TEST(UpSampling2D, Gradients) {
  utils::set_random_seed(43);
  for (const char* interp : {"nearest", "bilinear"})
    for (bool cf : {false, true}) {
      Tensor x = random::normal({2, 3, 4, 2});
      layers::UpSampling2D u({2, 3}, interpolation = interp, data_format = cf ? "channels_first" : "channels_last");
      u(x);
      keras::test_support::expect_gradients_match(u, {x});
    }
}

TEST(UpSampling2D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::UpSampling2D()(Input({5, 3})),
                    "Input 0 of layer \"up_sampling2d\" is incompatible with the layer: expected ndim=4, found ndim=3",
                    "Hint: UpSampling2D needs (batch, height, width, channels)", "UpSampling1D");
  EXPECT_THROW_WITH(layers::UpSampling2D({2, 0}),
                    "The `size` argument must be a tuple of 2 integers. Received size=(2, 0), including values {0} "
                    "that do not satisfy `value > 0`",
                    "Hint:");
  EXPECT_THROW_WITH(layers::UpSampling2D({1, 2, 3}), "Received size=(1, 2, 3)", "Hint:");
  EXPECT_THROW_WITH(layers::UpSampling2D(2, interpolation = "cubic"),
                    "Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', 'lanczos3', "
                    "'lanczos5', 'bicubic', 'area'). Received: interpolation=cubic",
                    "Hint:");
  EXPECT_THROW(layers::UpSampling2D(2, interpolation = "bicubic"), NotImplementedError);
}

TEST(UpSampling2D, ConfigAndRegistry) {
  layers::UpSampling2D u({2, 1}, interpolation = "bilinear");
  Tensor x = random::normal({1, 3, 2, 2});
  EXPECT_EQ(layers::from_config("UpSampling2D", u.impl()->config())(x).to_vector(), u(x).to_vector());
}
