// RandomRotation: a quarter turn maps pixels exactly (counter-clockwise), angles stay in the factor's range, fill
// modes, identity in inference, gradients, Keras's factor message.
#include <cmath>

#include "layers/preprocessing/image_layer_checks.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::test_support::image_checks;

TEST(RandomRotationLayer, QuarterTurnIsCounterClockwise) {
  Tensor x = ramp_images(2, 5, 5, 1);
  layers::RandomRotation rot(FloatList{0.25, 0.25});  // exactly 90 degrees
  Tensor y = train_call(rot, x);
  // out[y][x] = in[x][W - 1 - y]: the right column becomes the top row.
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t r = 0; r < 5; ++r)
      for (int64_t c = 0; c < 5; ++c) EXPECT_NEAR(pixel_at(y, b, r, c), pixel_at(x, b, c, 4 - r), 1e-4) << r << "," << c;
  EXPECT_EQ(max_abs_diff(rot(x), x), 0.0f);
}

TEST(RandomRotationLayer, SmallAnglesKeepTheCentreAndFillModes) {
  utils::set_random_seed(3);
  Tensor x = ramp_images(8, 7, 7, 1);
  layers::RandomRotation rot(0.02, fill_mode = "constant", fill_value = -5.0);
  Tensor y = train_call(rot, x);
  for (int64_t b = 0; b < 8; ++b) EXPECT_NEAR(pixel_at(y, b, 3, 3), pixel_at(x, b, 3, 3), 1e-4);  // the centre stays
  // An eighth of a turn brings corners from outside: constant fills them, reflect does not.
  layers::RandomRotation eighth(FloatList{0.125, 0.125}, fill_mode = "constant", fill_value = -5.0);
  EXPECT_EQ(pixel_at(train_call(eighth, x), 0, 0, 0), -5.0f);
  layers::RandomRotation reflect(FloatList{0.125, 0.125});
  EXPECT_GE(pixel_at(train_call(reflect, x), 0, 0, 0), 0.0f);
}

TEST(RandomRotationLayer, SeedsReproduce) {
  expect_seeds_reproduce<layers::RandomRotation>(ramp_images(2, 6, 6, 1), kw::factor = 0.5);
}

TEST(RandomRotationLayer, GradientAndErrors) {
  expect_training_gradients(layers::RandomRotation(0.1), small_images(2, 6, 5, 2));
  expect_training_gradients(layers::RandomRotation(0.1, fill_mode = "constant", interpolation = "nearest"),
                            small_images(2, 6, 5, 1));
  EXPECT_TRUE(starts_with(message_of([] { layers::RandomRotation(1.5); }),
            "The `factor` argument should be a number (or a list of two numbers) in the range [-1, 1]. Received: "
            "factor=1.5"));
  EXPECT_NE(message_of([] { layers::RandomRotation(0.1, fill_mode = "mirror"); }).find("Unknown `fill_mode` mirror"),
            std::string::npos);
  EXPECT_NE(message_of([] { layers::RandomRotation(0.1, interpolation = "bicubic"); })
                .find("Unknown `interpolation` bicubic"),
            std::string::npos);
  EXPECT_NE(rank_error_of(layers::RandomRotation(0.1)).find("rank 3 (single image) or 4"), std::string::npos);
}
