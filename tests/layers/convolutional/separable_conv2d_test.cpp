#include "keras/layers/convolutional/separable_conv2d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::randomize;

TEST(SeparableConv2D, ShapesWeightsAndDefaults) {
  utils::clear_session();
  layers::SeparableConv2D c(64, {3, 3});
  EXPECT_EQ(c.name(), "separable_conv2d");
  EXPECT_EQ(c(Tensor::zeros({2, 28, 28, 32})).shape(), (Shape{2, 26, 26, 64}));
  auto w = c.get_weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].shape(), (Shape{3, 3, 32, 1}));
  EXPECT_EQ(w[1].shape(), (Shape{1, 1, 32, 64}));
  EXPECT_EQ(w[2].shape(), (Shape{64}));
  const auto& v = c.impl()->own_variables();
  EXPECT_EQ(v[0]->name, "depthwise_kernel");
  EXPECT_EQ(v[1]->name, "pointwise_kernel");
  EXPECT_EQ(v[2]->name, "bias");
  EXPECT_EQ(c.count_params(), 9 * 32 + 32 * 64 + 64);
  layers::SeparableConv2D dm(8, 3, depth_multiplier = 2, strides = 2, padding = "same", use_bias = false);
  EXPECT_EQ(dm(Input({9, 8, 3})).shape(), (Shape{None, 5, 4, 8}));
  ASSERT_EQ(dm.get_weights().size(), 2u);
  EXPECT_EQ(dm.get_weights()[1].shape(), (Shape{1, 1, 6, 8}));
  EXPECT_EQ(layers::SeparableConv2D(4, 3, data_format = "channels_first")(Input({2, 5, 6})).shape(),
            (Shape{None, 4, 3, 4}));
}

TEST(SeparableConv2D, ValuesMatchDepthwiseThenPointwise) {
  utils::set_random_seed(41);
  struct Case {
    int filters;
    IntTuple k, s, d;
    const char* padding;
    int dm;
    std::vector<int64_t> in;
  };
  std::vector<Case> cases = {{5, 3, 1, 1, "valid", 1, {2, 6, 5, 3}}, {4, {3, 2}, {2, 1}, 1, "same", 2, {2, 7, 6, 4}},
                             {3, 3, 1, 2, "same", 3, {1, 7, 7, 2}},  {6, 2, 2, 1, "valid", 1, {2, 5, 5, 16}}};
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.padding << " dm " << c.dm);
    layers::SeparableConv2D layer(c.filters, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding,
                                  depth_multiplier = c.dm);
    Tensor x = random::normal(c.in);
    randomize(layer, x);
    auto w = layer.get_weights();
    const int64_t C = c.in.back();
    Tensor dk = w[0].copy().reshape({w[0].dims()[0], w[0].dims()[1], 1, C * c.dm});
    Tensor mid = conv_test::reference_conv(x, dk, Tensor(), {c.s.expand(2), c.d.expand(2), c.padding, C});
    Tensor ref = conv_test::reference_conv(mid, w[1], w[2], {{1, 1}, {1, 1}, "valid", 1});
    Tensor y = layer(x);
    ASSERT_EQ(y.dims(), ref.dims());
    EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
  }
}

TEST(SeparableConv2D, GradientsMatchNumerical) {
  utils::set_random_seed(42);
  for (const char* df : {"channels_last", "channels_first"})
    for (bool training : {false, true}) {
      SCOPED_TRACE(::testing::Message() << df << " training " << training);
      layers::SeparableConv2D a(3, 3, depth_multiplier = 2, padding = "same", strides = 2, activation = "tanh",
                                data_format = df);
      Tensor xa = random::normal({2, 3, 5, 4});
      randomize(a, xa);
      keras::test_support::expect_gradients_match(a, {xa}, {.training = training});
      layers::SeparableConv2D b(2, {2, 3}, dilation_rate = {2, 1}, activation = "relu", data_format = df);
      Tensor xb = random::normal({1, 3, 6, 5});
      randomize(b, xb);
      keras::test_support::expect_gradients_match(b, {xb}, {.training = training});
    }
}

TEST(SeparableConv2D, ErrorsAndTraining) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::SeparableConv2D(0, 3), "Invalid value for argument `filters`. Expected a strictly "
                    "positive value. Received filters=0.", "Hint:");
  EXPECT_THROW_WITH(layers::SeparableConv2D(4, 3, depth_multiplier = -1),
                    "Received depth_multiplier=-1.", "Hint:");
  EXPECT_THROW_WITH(layers::SeparableConv2D(), "missing 2 required positional arguments: 'filters' and "
                    "'kernel_size'", "Hint:");
  EXPECT_THROW_WITH((Sequential({Input({2, 9, 8}), layers::SeparableConv2D(4, 3)})),
                    "Computed output size would be zero or negative. Received `inputs shape=(None, 2, 9, 8)`, "
                    "`kernel shape=(3, 3, 8, 4)`", "Hint:");
  EXPECT_THROW_WITH(layers::SeparableConv2D(4, 3)(Tensor::zeros({10, 28, 28})), "expected min_ndim=4, found ndim=3",
                    "Hint:");
  // Trains, with regularizers on each kernel counted in the loss.
  utils::set_random_seed(43);
  Sequential model({Input({8, 8, 3}),
                    layers::SeparableConv2D(8, 3, activation = "relu", depthwise_regularizer = "l2",
                                            pointwise_regularizer = regularizers::L2(0.01)),
                    layers::GlobalAveragePooling2D(), layers::Dense(2, activation = "softmax")});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy");
  Tensor x = random::normal({32, 8, 8, 3});
  Tensor y = random::randint(0, 2, {32});
  History h = model.fit(x, y, epochs = 3, batch_size = 8, verbose = 0);
  EXPECT_TRUE(std::isfinite(h.history.at("loss").back()));
  EXPECT_TRUE(layers::is_registered("SeparableConv2D"));
  EXPECT_TRUE(layers::is_registered("SeparableConv1D"));
}
