// Resizing: tf.image.resize's half-pixel bilinear and nearest against references in double, crop_to_aspect_ratio
// and pad_to_aspect_ratio windows, output shapes, gradients, Keras's messages.
#include <cmath>

#include "layers/preprocessing/image_layer_checks.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::test_support::image_checks;

namespace {
// tf.image.resize bilinear, half-pixel centres, on one channel of image 0.
double bilinear_reference(const Tensor& x, int64_t out_h, int64_t out_w, int64_t r, int64_t c) {
  const int64_t h = x.dims()[1], w = x.dims()[2];
  auto src = [](int64_t o, int64_t in, int64_t out) { return (o + 0.5) * static_cast<double>(in) / out - 0.5; };
  const double sy = src(r, h, out_h), sx = src(c, w, out_w);
  const auto y0 = static_cast<int64_t>(std::floor(sy)), x0 = static_cast<int64_t>(std::floor(sx));
  auto at = [&](int64_t y, int64_t xx) {
    return pixel_at(x, 0, std::clamp<int64_t>(y, 0, h - 1), std::clamp<int64_t>(xx, 0, w - 1));
  };
  const double fy = sy - std::floor(sy), fx = sx - std::floor(sx);
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}
}  // namespace

TEST(ResizingLayer, MatchesHalfPixelBilinearAndNearest) {
  utils::set_random_seed(4);
  Tensor x = random::uniform({1, 5, 7, 1}, 0.0f, 1.0f);
  for (auto [oh, ow] : {std::pair<int64_t, int64_t>{3, 4}, {8, 11}, {5, 7}, {1, 1}}) {
    layers::Resizing resize(static_cast<int>(oh), static_cast<int>(ow));
    Tensor y = resize(x);
    ASSERT_EQ(y.dims(), (std::vector<int64_t>{1, oh, ow, 1}));
    for (int64_t r = 0; r < oh; ++r)
      for (int64_t c = 0; c < ow; ++c) EXPECT_NEAR(pixel_at(y, 0, r, c), bilinear_reference(x, oh, ow, r, c), 1e-5);
  }
  // Nearest: floor((o + 0.5) * in / out).
  Tensor ramp = ramp_images(1, 4, 6, 1);
  Tensor n = layers::Resizing(2, 4, interpolation = "nearest")(ramp);
  EXPECT_EQ(pixel_at(n, 0, 0, 0), pixel_at(ramp, 0, 1, 0));
  EXPECT_EQ(pixel_at(n, 0, 1, 3), pixel_at(ramp, 0, 3, 5));
}

TEST(ResizingLayer, AspectRatioWindows) {
  Tensor x = ramp_images(1, 4, 8, 1);
  // crop_to_aspect_ratio to 2x2: the centred 4x4 window (columns 2..5), then halved.
  Tensor crop = layers::Resizing(2, 2, crop_to_aspect_ratio = true)(x);
  EXPECT_NEAR(pixel_at(crop, 0, 0, 0), 10 * 0.5 + 2.5, 1e-5);
  EXPECT_NEAR(pixel_at(crop, 0, 1, 1), 10 * 2.5 + 4.5, 1e-5);
  // pad_to_aspect_ratio to 8x8: 2 rows of fill_value above and below, then the same size: an exact copy inside.
  Tensor pad = layers::Resizing(8, 8, pad_to_aspect_ratio = true, fill_value = -1.0)(x);
  EXPECT_EQ(pixel_at(pad, 0, 0, 3), -1.0f);
  EXPECT_EQ(pixel_at(pad, 0, 2, 3), pixel_at(x, 0, 0, 3));
  EXPECT_EQ(pixel_at(pad, 0, 7, 0), -1.0f);
}

TEST(ResizingLayer, ShapesGradientsAndErrors) {
  Sequential m({Input(shape = {32, 48, 3}), layers::Resizing(16, 24)});
  EXPECT_EQ(m.output_shape(), (Shape{Dim(), 16, 24, 3}));
  Sequential first({Input(shape = {3, 32, 48}), layers::Resizing(16, 24, data_format = "channels_first")});
  EXPECT_EQ(first.output_shape(), (Shape{Dim(), 3, 16, 24}));
  expect_training_gradients(layers::Resizing(3, 7), small_images(2, 5, 4, 2));
  expect_training_gradients(layers::Resizing(6, 3, crop_to_aspect_ratio = true), small_images(1, 5, 4, 1));
  expect_training_gradients(layers::Resizing(4, 4, pad_to_aspect_ratio = true), small_images(1, 2, 4, 1));
  EXPECT_TRUE(starts_with(message_of([] { layers::Resizing(8, 8, crop_to_aspect_ratio = true, pad_to_aspect_ratio = true); }),
            "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`."));
  EXPECT_NE(message_of([] { layers::Resizing(8, 8, interpolation = "cubic"); })
                .find("Invalid value for argument `interpolation`"),
            std::string::npos);
  EXPECT_NE(message_of([] { layers::Resizing(height = 8); }).find("missing 1 required positional argument: 'width'"),
            std::string::npos);
  EXPECT_NE(rank_error_of(layers::Resizing(8, 8)).find("data.shape=(None, 784)"), std::string::npos);
}
