// CenterCrop: the centred window (the odd pixel left at the bottom/right), smart_resize for smaller images, shapes,
// gradients.
#include "layers/preprocessing/image_layer_checks.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::test_support::image_checks;

TEST(CenterCropLayer, CentredWindowAndSmallerImages) {
  Tensor x = ramp_images(2, 5, 5, 1);
  Tensor y = layers::CenterCrop(2, 3)(x);
  ASSERT_EQ(y.dims(), (std::vector<int64_t>{2, 2, 3, 1}));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t c = 0; c < 3; ++c) EXPECT_EQ(pixel_at(y, b, r, c), pixel_at(x, b, 1 + r, 1 + c));
  // Smaller than the target: crop to its aspect ratio, then resize (Keras's smart_resize).
  Tensor small = ramp_images(1, 4, 4, 1);
  EXPECT_EQ(max_abs_diff(layers::CenterCrop(6, 6)(small), layers::Resizing(6, 6)(small)), 0.0f);
  EXPECT_EQ(max_abs_diff(layers::CenterCrop(6, 3)(small), layers::Resizing(6, 3, crop_to_aspect_ratio = true)(small)),
            0.0f);
  // Training changes nothing.
  EXPECT_EQ(max_abs_diff(train_call(layers::CenterCrop(2, 3), x), y), 0.0f);
}

TEST(CenterCropLayer, ShapesAndGradients) {
  Sequential m({Input(shape = {32, 32, 3}), layers::CenterCrop(24, 20)});
  EXPECT_EQ(m.output_shape(), (Shape{Dim(), 24, 20, 3}));
  expect_training_gradients(layers::CenterCrop(3, 2), small_images(2, 5, 4, 2));
  expect_training_gradients(layers::CenterCrop(6, 5), small_images(1, 4, 4, 1));
  EXPECT_NE(rank_error_of(layers::CenterCrop(8, 8)).find("rank 3 (single image) or 4"), std::string::npos);
}
