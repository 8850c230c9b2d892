#include "keras/layers/reshaping/cropping3d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/saved_config.hpp"
#include "support/volume_reference.hpp"

using namespace keras;
using namespace keras::kw;

namespace {
// The naive reference: cropping is padding by negative amounts.
Tensor naive_crop3d(const Tensor& x, keras::test_support::VolumeAmounts crops, bool cf) {
  for (auto& [before, after] : crops) before = -before, after = -after;
  return keras::test_support::naive_pad_volume(x, crops, cf);
}
}  // namespace

TEST(Cropping3D, Shapes) {
  EXPECT_EQ(layers::Cropping3D()(Input({4, 5, 6, 3})).shape(), (Shape{None, 2, 3, 4, 3}));  // default 1 per side
  // Keras's docstring example: (2, 28, 28, 10, 3) cropped by (2, 4, 2).
  EXPECT_EQ(layers::Cropping3D(cropping = {2, 4, 2})(Tensor::zeros({2, 28, 28, 10, 3})).shape(),
            (Shape{2, 24, 20, 6, 3}));
  EXPECT_EQ(layers::Cropping3D(2)(Input({8, 9, 10, 1})).shape(), (Shape{None, 4, 5, 6, 1}));
  EXPECT_EQ(layers::Cropping3D({{0, 1}, {2, 0}, {0, 0}})(Input({None, 6, 3, 2})).shape(),
            (Shape{None, None, 4, 3, 2}));
  EXPECT_EQ(layers::Cropping3D(1, data_format = "channels_first")(Input({3, 8, 9, None})).shape(),
            (Shape{None, 3, 6, 7, None}));
}

TEST(Cropping3D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(81);
  Tensor x = random::normal({2, 5, 6, 7, 3});
  EXPECT_EQ(layers::Cropping3D({{1, 2}, {3, 0}, {0, 1}})(x).to_vector(),
            naive_crop3d(x, {{{1, 2}, {3, 0}, {0, 1}}}, false).to_vector());
  EXPECT_EQ(layers::Cropping3D({2, 1, 3})(x).to_vector(),
            naive_crop3d(x, {{{2, 2}, {1, 1}, {3, 3}}}, false).to_vector());
  // No cropping in depth: the planes are copied as a batch of images.
  EXPECT_EQ(layers::Cropping3D({{0, 0}, {1, 1}, {2, 0}})(x).to_vector(),
            naive_crop3d(x, {{{0, 0}, {1, 1}, {2, 0}}}, false).to_vector());
  EXPECT_EQ(layers::Cropping3D({{0, 1}, {1, 1}, {1, 0}}, data_format = "channels_first")(x).to_vector(),
            naive_crop3d(x, {{{0, 1}, {1, 1}, {1, 0}}}, true).to_vector());
  Tensor big = random::normal({4, 12, 12, 14, 16});  // large enough for the kernels' threads
  EXPECT_EQ(layers::Cropping3D({{1, 2}, {0, 3}, {2, 1}})(big).to_vector(),
            naive_crop3d(big, {{{1, 2}, {0, 3}, {2, 1}}}, false).to_vector());
}

TEST(Cropping3D, Gradients) {
  utils::set_random_seed(82);
  for (bool cf : {false, true}) {
    Tensor x = random::normal({2, 4, 4, 5, 3});
    layers::Cropping3D c({{1, 2}, {0, 1}, {2, 0}}, data_format = cf ? "channels_first" : "channels_last");
    c(x);
    keras::test_support::expect_gradients_match(c, {x});
  }
  // ZeroPadding3D then Cropping3D by the same amounts is the identity, and so is its gradient.
  Sequential model({Input({3, 2, 4, 2}), layers::ZeroPadding3D({{1, 2}, {3, 1}, {0, 2}}),
                    layers::Cropping3D({{1, 2}, {3, 1}, {0, 2}})});
  Tensor x = random::normal({2, 3, 2, 4, 2});
  EXPECT_EQ(model(x).to_vector(), x.to_vector());
  keras::test_support::expect_gradients_match(model, {x});
}

TEST(Cropping3D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Cropping3D()(Input({28, 28, 3})),
                    "Input 0 of layer \"cropping3d\" is incompatible with the layer: expected ndim=5, found ndim=4",
                    "Hint: Cropping3D needs (batch, depth, height, width, channels)", "Cropping2D");
  EXPECT_THROW_WITH(layers::Cropping3D({{2, 2}, {10, 10}, {1, 1}})(Input({8, 20, 6, 3})),
                    "Values in `cropping` argument should be smaller than the corresponding spatial dimension of the "
                    "input. Received: input_shape=(None, 8, 20, 6, 3), cropping=((2, 2), (10, 10), (1, 1))",
                    "Hint: Cropping3D removes 2 + 2 and 10 + 10 and 1 + 1 from volumes of 8 x 20 x 6",
                    "(batch, depth, height, width, channels)");
  EXPECT_THROW_WITH(layers::Cropping3D(2)(Tensor::zeros({1, 8, 6, 4, 1})),
                    "Received: inputs.shape=(1, 8, 6, 4, 1), cropping=((2, 2), (2, 2), (2, 2))", "Hint:");
  EXPECT_THROW_WITH(layers::Cropping3D(1, data_format = "channels_first")(Input({3, 4, 2, 4})),
                    "Received: input_shape=(None, 3, 4, 2, 4), cropping=((1, 1), (1, 1), (1, 1))", "Hint:",
                    "(batch, channels, depth, height, width)");
  EXPECT_THROW_WITH(layers::Cropping3D(-1), "`cropping` cannot be negative. Received: cropping=-1.", "Hint:");
  EXPECT_THROW_WITH(layers::Cropping3D({1, 2}), "`cropping` should have 3 elements. Received: (1, 2).", "Hint:");
  EXPECT_THROW_WITH(layers::Cropping3D({{1}, {2, 3, 4}, {0, 0}}),
                    "The `2nd entry of cropping` argument must be a tuple of 2 integers. Received 2nd entry of "
                    "cropping=(2, 3, 4)",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Cropping3D({{0, 0}, {0, 0}, {2, -3}}),
                    "Received 3rd entry of cropping=(2, -3), including values {-3} that do not satisfy `value >= 0`",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Cropping3D(cropping = None),
                    "`cropping` should be either an int, a tuple of 3 ints (symmetric_dim1_crop, symmetric_dim2_crop, "
                    "symmetric_dim3_crop), or a tuple of 3 tuples of 2 ints ((left_dim1_crop, right_dim1_crop), "
                    "(left_dim2_crop, right_dim2_crop), (left_dim3_crop, right_dim2_crop)). Received: None.",
                    "Hint:");
}

TEST(Cropping3D, SavesAndLoads) {
  utils::set_random_seed(83);
  Sequential model({Input({5, 4, 6, 2}), layers::Cropping3D({{1, 0}, {2, 1}, {0, 3}})});
  keras::test_support::expect_keras_round_trip(model, random::normal({2, 5, 4, 6, 2}));
  EXPECT_EQ(keras::test_support::saved_layer_config(model, "Cropping3D")["cropping"],
            nlohmann::ordered_json::parse("[[1, 0], [2, 1], [0, 3]]"));
  Sequential first({Input({2, 5, 4, 6}), layers::Cropping3D(data_format = "channels_first")});
  keras::test_support::expect_keras_round_trip(first, random::normal({1, 2, 5, 4, 6}));
  EXPECT_EQ(keras::test_support::saved_layer_config(first, "Cropping3D")["cropping"],
            nlohmann::ordered_json::parse("[[1, 1], [1, 1], [1, 1]]"));  // Keras's default, written out
  EXPECT_TRUE(layers::is_registered("Cropping3D"));
}
