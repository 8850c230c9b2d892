// RandomCrop: while training a window at one random offset for the batch; in inference (and for images smaller
// than the target) Keras 3.0's smart_resize; gradients; shapes.
#include <set>

#include "layers/preprocessing/image_layer_checks.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::test_support::image_checks;

TEST(RandomCropLayer, RandomWindowWhileTraining) {
  utils::set_random_seed(8);
  Tensor x = ramp_images(3, 8, 9, 1);
  layers::RandomCrop crop(4, 5);
  std::set<std::pair<int, int>> offsets;
  for (int call = 0; call < 12; ++call) {
    Tensor y = train_call(crop, x);
    ASSERT_EQ(y.dims(), (std::vector<int64_t>{3, 4, 5, 1}));
    // The ramp says where the window starts; every image of the batch has the same one.
    const int top = static_cast<int>(pixel_at(y, 0, 0, 0)) / 10, left = static_cast<int>(pixel_at(y, 0, 0, 0)) % 10;
    offsets.insert({top, left});
    EXPECT_LE(top, 4);
    EXPECT_LE(left, 4);
    for (int64_t b = 0; b < 3; ++b)
      for (int64_t r = 0; r < 4; ++r)
        for (int64_t c = 0; c < 5; ++c) EXPECT_EQ(pixel_at(y, b, r, c), pixel_at(x, b, top + r, left + c));
  }
  EXPECT_GT(offsets.size(), 3u);
  // Inference: the centred window of the target's aspect ratio, resized.
  EXPECT_EQ(max_abs_diff(crop(x), layers::Resizing(4, 5, crop_to_aspect_ratio = true)(x)), 0.0f);
}

TEST(RandomCropLayer, ShapesAndGradients) {
  Sequential m({Input(shape = {32, 32, 3}), layers::RandomCrop(24, 24)});
  EXPECT_EQ(m.output_shape(), (Shape{Dim(), 24, 24, 3}));
  expect_training_gradients(layers::RandomCrop(3, 2), small_images(2, 5, 4, 2));
  expect_training_gradients(layers::RandomCrop(6, 6), small_images(1, 4, 5, 1));
}
