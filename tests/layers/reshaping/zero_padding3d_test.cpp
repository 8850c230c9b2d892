#include "keras/layers/reshaping/zero_padding3d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/saved_config.hpp"
#include "support/volume_reference.hpp"

using namespace keras;
using namespace keras::kw;

using keras::test_support::naive_pad_volume;

TEST(ZeroPadding3D, Shapes) {
  EXPECT_EQ(layers::ZeroPadding3D()(Input({4, 5, 6, 3})).shape(), (Shape{None, 6, 7, 8, 3}));  // default 1 per side
  EXPECT_EQ(layers::ZeroPadding3D(2)(Input({4, 5, 6, 3})).shape(), (Shape{None, 8, 9, 10, 3}));
  EXPECT_EQ(layers::ZeroPadding3D({1, 2, 0})(Input({4, 5, 6, 3})).shape(), (Shape{None, 6, 9, 6, 3}));
  EXPECT_EQ(layers::ZeroPadding3D({{1, 0}, {2, 3}, {0, 4}})(Input({4, 5, 6, 3})).shape(), (Shape{None, 5, 10, 10, 3}));
  EXPECT_EQ(layers::ZeroPadding3D(padding = {{0, 0}, {0, 0}, {0, 0}})(Input({2, 2, 2, 1})).shape(),
            (Shape{None, 2, 2, 2, 1}));
  EXPECT_EQ(layers::ZeroPadding3D(1, data_format = "channels_first")(Input({3, 4, None, 6})).shape(),
            (Shape{None, 3, 6, None, 8}));
  EXPECT_EQ(layers::ZeroPadding3D({1, 1, 1})(Input({None, None, 6, 2})).shape(), (Shape{None, None, None, 8, 2}));
  // Keras's docstring example: (1, 1, 2, 2, 3) padded by 2.
  EXPECT_EQ(layers::ZeroPadding3D(padding = 2)(Tensor::zeros({1, 1, 2, 2, 3})).shape(), (Shape{1, 5, 6, 6, 3}));
}

TEST(ZeroPadding3D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(71);
  Tensor x = random::normal({2, 3, 4, 5, 3});
  EXPECT_EQ(layers::ZeroPadding3D({{1, 2}, {3, 0}, {0, 1}})(x).to_vector(),
            naive_pad_volume(x, {{{1, 2}, {3, 0}, {0, 1}}}, false).to_vector());
  EXPECT_EQ(layers::ZeroPadding3D({2, 1, 3})(x).to_vector(),
            naive_pad_volume(x, {{{2, 2}, {1, 1}, {3, 3}}}, false).to_vector());
  // No padding in depth: the planes are copied as a batch of images.
  EXPECT_EQ(layers::ZeroPadding3D({{0, 0}, {1, 0}, {0, 2}})(x).to_vector(),
            naive_pad_volume(x, {{{0, 0}, {1, 0}, {0, 2}}}, false).to_vector());
  EXPECT_EQ(layers::ZeroPadding3D({{0, 1}, {1, 2}, {2, 0}}, data_format = "channels_first")(x).to_vector(),
            naive_pad_volume(x, {{{0, 1}, {1, 2}, {2, 0}}}, true).to_vector());
  // Large enough for the kernels' threads.
  Tensor big = random::normal({4, 10, 12, 14, 16});
  EXPECT_EQ(layers::ZeroPadding3D({{1, 2}, {0, 3}, {2, 1}})(big).to_vector(),
            naive_pad_volume(big, {{{1, 2}, {0, 3}, {2, 1}}}, false).to_vector());
}

TEST(ZeroPadding3D, Gradients) {
  utils::set_random_seed(72);
  for (bool cf : {false, true}) {
    Tensor x = random::normal({2, 3, 2, 4, 3});
    layers::ZeroPadding3D p({{1, 2}, {0, 1}, {2, 0}}, data_format = cf ? "channels_first" : "channels_last");
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
  }
}

TEST(ZeroPadding3D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::ZeroPadding3D()(Input({28, 28, 3})),
                    "Input 0 of layer \"zero_padding3d\" is incompatible with the layer: expected ndim=5, found ndim=4",
                    "Hint: ZeroPadding3D needs (batch, depth, height, width, channels)", "ZeroPadding2D",
                    "Input(shape={28, 28, 3, 1})");
  EXPECT_THROW_WITH(layers::ZeroPadding3D(data_format = "channels_first")(Tensor::zeros({2, 3, 4})),
                    "expected ndim=5, found ndim=3",
                    "Hint: ZeroPadding3D needs (batch, channels, depth, height, width)");
  EXPECT_THROW_WITH(layers::ZeroPadding3D({1, 2}), "`padding` should have 3 elements. Received: (1, 2).", "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding3D({{1, 2, 3}, {1, 1}, {1, 1}}),
                    "The `1st entry of padding` argument must be a tuple of 2 integers. Received 1st entry of "
                    "padding=(1, 2, 3)",
                    "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding3D({{1, 1}, {1, 1}, {-1, 1}}),
                    "Received 3rd entry of padding=(-1, 1), including values {-1} that do not satisfy `value >= 0`",
                    "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding3D({1, -2, 1}),
                    "Received 2nd entry of padding=-2, including values {-2} that do not satisfy `value >= 0`",
                    "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding3D(-1), "`padding` cannot be negative. Received: padding=-1.", "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding3D("same"), "`padding` should have 3 elements. Received: same.", "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding3D(padding = None),
                    "`padding` should be either an int, a tuple of 3 ints (symmetric_dim1_pad, symmetric_dim2_pad, "
                    "symmetric_dim3_pad), or a tuple of 3 tuples of 2 ints ((left_dim1_pad, right_dim1_pad), "
                    "(left_dim2_pad, right_dim2_pad), (left_dim3_pad, right_dim2_pad)). Received: padding=None.",
                    "Hint:");
  EXPECT_THROW_WITH(layers::ZeroPadding3D(1, data_format = "ndhwc"), "Received: data_format=ndhwc", "Hint:");
}

TEST(ZeroPadding3D, SavesAndLoads) {
  utils::set_random_seed(73);
  Sequential model({Input({3, 2, 4, 2}), layers::ZeroPadding3D({{1, 0}, {2, 2}, {0, 1}})});
  keras::test_support::expect_keras_round_trip(model, random::normal({2, 3, 2, 4, 2}));
  const auto config = keras::test_support::saved_layer_config(model, "ZeroPadding3D");
  EXPECT_EQ(config["padding"], nlohmann::ordered_json::parse("[[1, 0], [2, 2], [0, 1]]"));
  EXPECT_EQ(config["data_format"], "channels_last");
  Sequential first({Input({2, 3, 4, 5}), layers::ZeroPadding3D(2, data_format = "channels_first")});
  keras::test_support::expect_keras_round_trip(first, random::normal({1, 2, 3, 4, 5}));
  EXPECT_EQ(keras::test_support::saved_layer_config(first, "ZeroPadding3D")["padding"], 2);
  EXPECT_TRUE(layers::is_registered("ZeroPadding3D"));
}
