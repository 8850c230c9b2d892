// RandomContrast: each image's deviation from its per-channel mean scaled by one factor in Keras's range, clipped to
// value_range, identity in inference, gradients (through the mean), Keras's messages.
#include <algorithm>

#include "layers/preprocessing/image_layer_checks.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::test_support::image_checks;

TEST(RandomContrastLayer, ScalesAboutTheMeanWithinKerasRange) {
  utils::set_random_seed(2);
  Tensor x = ramp_images(6, 4, 4, 2);
  layers::RandomContrast contrast(0.4, value_range = FloatList{-1000.0, 1000.0});
  Tensor y = train_call(contrast, x);
  for (int64_t b = 0; b < 6; ++b) {
    // mean of channel 0 of image b over the 4x4 ramp: 100 b + 15 + 1.5
    const double mean = 100.0 * b + 16.5;
    const double factor = (pixel_at(y, b, 0, 0) - mean) / (pixel_at(x, b, 0, 0) - mean);
    // factor=0.4 draws from [1, 1.4] as Keras's code does (its docstring says [0.6, 1.4]).
    EXPECT_GE(factor, 1.0 - 1e-5);
    EXPECT_LE(factor, 1.4 + 1e-5);
    for (int64_t r = 0; r < 4; ++r)
      for (int64_t c = 0; c < 4; ++c) EXPECT_NEAR(pixel_at(y, b, r, c), (pixel_at(x, b, r, c) - mean) * factor + mean, 2e-3);
  }
  // Clipped to value_range.
  layers::RandomContrast clipped(FloatList{0.5, 0.5}, value_range = FloatList{0.0, 50.0});
  Tensor z = train_call(clipped, x);
  EXPECT_LE(*std::max_element(z.data(), z.data() + z.size()), 50.0f);
  EXPECT_GE(*std::min_element(z.data(), z.data() + z.size()), 0.0f);
  EXPECT_EQ(max_abs_diff(contrast(x), x), 0.0f);
}

TEST(RandomContrastLayer, SeedsReproduce) {
  expect_seeds_reproduce<layers::RandomContrast>(ramp_images(2, 3, 3, 1), kw::factor = 0.5);
}

TEST(RandomContrastLayer, GradientAndErrors) {
  expect_training_gradients(layers::RandomContrast(0.5, value_range = FloatList{-1000.0, 1000.0}),
                            small_images(2, 3, 4, 2));
  EXPECT_TRUE(starts_with(message_of([] { layers::RandomContrast(1.5); }),
            "The `factor` argument should be a number (or a list of two numbers) in the range [0, 1]. Received: "
            "factor=1.5"));
  EXPECT_NE(message_of([] { layers::RandomContrast(0.1, value_range = FloatList{0.0, 1.0, 2.0}); })
                .find("The `value_range` argument should be a list of two numbers"),
            std::string::npos);
}
