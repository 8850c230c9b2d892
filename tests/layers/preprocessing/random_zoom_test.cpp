// RandomZoom: a fixed zoom samples the ramp where Keras's matrix says (bilinear is exact on a ramp), width_factor
// None keeps the aspect ratio, identity in inference, gradients, Keras's factor message.
#include "layers/preprocessing/image_layer_checks.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::test_support::image_checks;

TEST(RandomZoomLayer, ZoomInSamplesAboutTheCentre) {
  Tensor x = ramp_images(1, 5, 5, 1);
  layers::RandomZoom zoom(FloatList{-0.5, -0.5});  // zoom 0.5: in by 2x, input = 2 + 0.5 (output - 2)
  Tensor y = train_call(zoom, x);
  for (int64_t r = 0; r < 5; ++r)
    for (int64_t c = 0; c < 5; ++c) EXPECT_NEAR(pixel_at(y, 0, r, c), 10 * (1 + 0.5 * r) + (1 + 0.5 * c), 1e-4);
  // A width factor of its own: rows and columns zoom differently.
  layers::RandomZoom wide(FloatList{-0.5, -0.5}, width_factor = FloatList{0.0, 0.0});
  Tensor z = train_call(wide, x);
  for (int64_t r = 0; r < 5; ++r)
    for (int64_t c = 0; c < 5; ++c) EXPECT_NEAR(pixel_at(z, 0, r, c), 10 * (1 + 0.5 * r) + c, 1e-4);
  EXPECT_EQ(max_abs_diff(zoom(x), x), 0.0f);
}

TEST(RandomZoomLayer, GradientAndErrors) {
  expect_training_gradients(layers::RandomZoom(0.3), small_images(2, 5, 6, 2));
  EXPECT_TRUE(starts_with(message_of([] { layers::RandomZoom(1.2); }),
            "The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the "
            "range [-1.0, 1.0]. Received: input_number=1.2"));
  EXPECT_NE(message_of([] { layers::RandomZoom(kw::Kwargs{}); }).find("missing 1 required positional argument: "
                                                                     "'height_factor'"),
            std::string::npos);
}
