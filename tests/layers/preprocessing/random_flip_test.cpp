// RandomFlip: each image flipped or not while training (both outcomes over a batch), identity in inference, the
// transposed flip as gradient, modes, rank message.
#include "layers/preprocessing/image_layer_checks.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::test_support::image_checks;

TEST(RandomFlipLayer, FlipsSomeImagesWhileTrainingOnly) {
  utils::set_random_seed(1);
  Tensor x = ramp_images(32, 3, 4, 2);
  layers::RandomFlip flip("horizontal");
  Tensor y = train_call(flip, x);
  int flipped = 0;
  for (int64_t b = 0; b < 32; ++b) {
    const bool same = pixel_at(y, b, 1, 0, 1) == pixel_at(x, b, 1, 0, 1);
    flipped += !same;
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t c = 0; c < 4; ++c)
        EXPECT_EQ(pixel_at(y, b, r, c, 1), pixel_at(x, b, r, same ? c : 3 - c, 1)) << b;
  }
  EXPECT_GT(flipped, 4);
  EXPECT_LT(flipped, 28);
  EXPECT_EQ(max_abs_diff(flip(x), x), 0.0f);  // inference

  // "horizontal_and_vertical": one coin per image for both axes (Keras 3.6+): unchanged or turned 180 degrees.
  layers::RandomFlip both;
  Tensor z = train_call(both, x);
  for (int64_t b = 0; b < 32; ++b) {
    const bool same = pixel_at(z, b, 0, 0) == pixel_at(x, b, 0, 0);
    EXPECT_EQ(pixel_at(z, b, 0, 1), pixel_at(x, b, same ? 0 : 2, same ? 1 : 2));
  }
  layers::RandomFlip vertical("vertical");
  Tensor v = train_call(vertical, x);
  for (int64_t b = 0; b < 32; ++b)
    EXPECT_TRUE(pixel_at(v, b, 0, 3) == pixel_at(x, b, 0, 3) || pixel_at(v, b, 0, 3) == pixel_at(x, b, 2, 3));
}

TEST(RandomFlipLayer, GradientShapesAndErrors) {
  expect_training_gradients(layers::RandomFlip(), small_images(3, 4, 5, 2));
  Sequential m({Input(shape = {28, 28, 3}), layers::RandomFlip("horizontal")});
  EXPECT_EQ(m.output_shape(), (Shape{Dim(), 28, 28, 3}));
  std::string e = rank_error_of(layers::RandomFlip());
  EXPECT_NE(e.find("Expected image tensor to have rank 3 (single image) or 4 (batch of images). Received: "
                   "data.shape=(None, 784)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("Reshape({28, 28, 1})"), std::string::npos) << e;
  EXPECT_NE(message_of([] { layers::RandomFlip("diagonal"); }).find("unknown mode argument diagonal"),
            std::string::npos);
}
