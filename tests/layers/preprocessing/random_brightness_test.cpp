// RandomBrightness: a fixed factor adds factor * (high - low) and clips; identity in inference; gradients.
#include <algorithm>

#include "layers/preprocessing/image_layer_checks.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::test_support::image_checks;

TEST(RandomBrightnessLayer, AddsAShareOfTheValueRangeAndClips) {
  Tensor x = ramp_images(2, 3, 3, 1);
  layers::RandomBrightness brighter(FloatList{0.2, 0.2});  // + 0.2 * 255 = 51
  Tensor y = train_call(brighter, x);
  for (int64_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(y.data()[i], std::min(x.data()[i] + 51.0f, 255.0f));
  layers::RandomBrightness darker(FloatList{-0.5, -0.5}, value_range = FloatList{0.0, 100.0});  // - 50, clipped at 0
  Tensor z = train_call(darker, x);
  for (int64_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(z.data()[i], std::clamp(x.data()[i] - 50.0f, 0.0f, 100.0f));
  EXPECT_EQ(max_abs_diff(brighter(x), x), 0.0f);
}

TEST(RandomBrightnessLayer, GradientAndErrors) {
  expect_training_gradients(layers::RandomBrightness(0.001, value_range = FloatList{-1000.0, 1000.0}),
                            small_images(2, 3, 4, 2));
  EXPECT_TRUE(starts_with(message_of([] { layers::RandomBrightness(-1.5); }),
            "The `factor` argument should be a number (or a list of two numbers) in the range [-1, 1]. Received: "
            "factor=-1.5"));
}
