// RandomTranslation: fixed shifts move the content right and down, each fill mode with TensorFlow's coordinates,
// identity in inference, gradients, Keras's messages.
#include "layers/preprocessing/image_layer_checks.hpp"

using namespace keras;
using namespace keras::kw;
using namespace keras::test_support::image_checks;

namespace {
// The row of the input each output row reads from, shifting down by 2 rows of 5 (column 2 unaffected).
std::vector<float> first_column(const std::string& mode) {
  Tensor x = ramp_images(1, 5, 5, 1);
  layers::RandomTranslation t(FloatList{0.4, 0.4}, FloatList{0.0, 0.0}, fill_mode = mode, fill_value = -1.0);
  Tensor y = train_call(t, x);
  std::vector<float> rows;
  for (int64_t r = 0; r < 5; ++r) rows.push_back(pixel_at(y, 0, r, 2));
  return rows;
}
}  // namespace

TEST(RandomTranslationLayer, ShiftsAndFillModes) {
  Tensor x = ramp_images(1, 5, 5, 1);
  layers::RandomTranslation t(FloatList{0.2, 0.2}, FloatList{-0.2, -0.2});  // 1 down, 1 left
  Tensor y = train_call(t, x);
  EXPECT_EQ(pixel_at(y, 0, 2, 2), pixel_at(x, 0, 1, 3));
  EXPECT_EQ(pixel_at(y, 0, 4, 0), pixel_at(x, 0, 3, 1));
  // Rows -2 and -1 come from: reflect (d c b a | a b ...) rows 1, 0; wrap rows 3, 4; nearest row 0; constant fill.
  EXPECT_EQ(first_column("reflect"), (std::vector<float>{12, 2, 2, 12, 22}));
  EXPECT_EQ(first_column("wrap"), (std::vector<float>{32, 42, 2, 12, 22}));
  EXPECT_EQ(first_column("nearest"), (std::vector<float>{2, 2, 2, 12, 22}));
  EXPECT_EQ(first_column("constant"), (std::vector<float>{-1, -1, 2, 12, 22}));
  EXPECT_EQ(max_abs_diff(t(x), x), 0.0f);
}

TEST(RandomTranslationLayer, GradientAndErrors) {
  expect_training_gradients(layers::RandomTranslation(0.3, 0.3), small_images(2, 5, 6, 2));
  expect_training_gradients(layers::RandomTranslation(0.3, 0.3, fill_mode = "wrap"), small_images(1, 5, 4, 1));
  EXPECT_TRUE(starts_with(message_of([] { layers::RandomTranslation(0.1, FloatList{0.1, 0.2, 0.3}); }),
            "The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. Received: "
            "width_factor="));
  EXPECT_NE(message_of([] { layers::RandomTranslation(height_factor = 0.1); })
                .find("missing 1 required positional argument: 'width_factor'"),
            std::string::npos);
}
