#include "keras/layers/convolutional/conv2d_transpose.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_reference.hpp"
#include "layers/convolutional/conv_transpose_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::randomize;

TEST(Conv2DTranspose, ShapesWeightsAndDefaults) {
  utils::clear_session();
  layers::Conv2DTranspose c(16, 3);
  EXPECT_EQ(c.name(), "conv2d_transpose");
  EXPECT_EQ(c(Tensor::zeros({2, 7, 7, 32})).shape(), (Shape{2, 9, 9, 16}));
  auto w = c.get_weights();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].shape(), (Shape{3, 3, 16, 32}));  // (kh, kw, filters, in): swapped compared with Conv2D
  EXPECT_EQ(w[1].shape(), (Shape{16}));
  EXPECT_EQ(c.impl()->own_variables()[0]->name, "kernel");
  EXPECT_EQ(c.impl()->own_variables()[1]->name, "bias");
  EXPECT_EQ(c.count_params(), 3 * 3 * 16 * 32 + 16);
  EXPECT_EQ(max_abs_diff(w[1], Tensor::zeros({16})), 0.0f);
  layers::Conv2DTranspose nb(4, 2, use_bias = false);
  nb(Tensor::zeros({1, 3, 3, 2}));
  EXPECT_EQ(nb.get_weights().size(), 1u);
  // Keras's output sizes (compute_conv_transpose_output_shape).
  EXPECT_EQ(layers::Conv2DTranspose(16, 3, strides = 2, padding = "same")(Input({7, 7, 32})).shape(),
            (Shape{None, 14, 14, 16}));
  EXPECT_EQ(layers::Conv2DTranspose(8, 3, strides = 2)(Input({7, 5, 4})).shape(), (Shape{None, 15, 11, 8}));
  EXPECT_EQ(layers::Conv2DTranspose(8, 2, strides = 3)(Input({4, 4, 4})).shape(), (Shape{None, 12, 12, 8}));
  EXPECT_EQ(layers::Conv2DTranspose(8, 3, strides = 2, output_padding = 1)(Input({7, 7, 4})).shape(),
            (Shape{None, 16, 16, 8}));
  EXPECT_EQ(layers::Conv2DTranspose(8, 3, strides = 2, padding = "same", output_padding = 1)(Input({7, 7, 4}))
                .shape(),
            (Shape{None, 14, 14, 8}));
  EXPECT_EQ(layers::Conv2DTranspose(8, 3, dilation_rate = 2)(Input({5, None, 4})).shape(), (Shape{None, 9, None, 8}));
  EXPECT_EQ(layers::Conv2DTranspose(8, 3, data_format = "channels_first")(Input({4, 5, 6})).shape(),
            (Shape{None, 8, 7, 8}));
}

TEST(Conv2DTranspose, HandComputedStride2) {
  // 2x2 ones, 3x3 ones kernel, strides 2: each input pixel stamps a 3x3 block; the blocks overlap on row/column 2.
  layers::Conv2DTranspose valid(1, 3, strides = 2, kernel_initializer = "ones", use_bias = false);
  Tensor y = valid(Tensor::ones({1, 2, 2, 1}));
  ASSERT_EQ(y.shape(), (Shape{1, 5, 5, 1}));
  const float counts[5] = {1, 1, 2, 1, 1};
  for (int64_t i = 0; i < 5; ++i)
    for (int64_t j = 0; j < 5; ++j) EXPECT_FLOAT_EQ(y.at({0, i, j, 0}), counts[i] * counts[j]) << i << "," << j;
  // "same": 4x4, TensorFlow's padding (0 before, 1 after) keeps the first four rows and columns of the above.
  layers::Conv2DTranspose same(1, 3, strides = 2, padding = "same", kernel_initializer = "ones", use_bias = false);
  Tensor ys = same(Tensor::ones({1, 2, 2, 1}));
  ASSERT_EQ(ys.shape(), (Shape{1, 4, 4, 1}));
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 4; ++j) EXPECT_FLOAT_EQ(ys.at({0, i, j, 0}), counts[i] * counts[j]) << i << "," << j;
}

TEST(Conv2DTranspose, ValuesMatchReference) {
  utils::set_random_seed(21);
  struct Case {
    int filters;
    IntTuple k, s, d;
    const char* padding;
    std::vector<int64_t> op;
    std::vector<int64_t> in;
  };
  std::vector<Case> cases = {
      {3, 3, 1, 1, "valid", {}, {2, 5, 4, 2}},        {4, {3, 2}, {2, 1}, 1, "same", {}, {2, 4, 5, 3}},
      {2, 3, 2, 1, "valid", {1, 1}, {1, 3, 4, 2}},    {2, 3, 2, 1, "same", {1, 0}, {1, 3, 4, 2}},
      {5, 2, 3, 1, "valid", {}, {2, 3, 3, 17}},       {3, 3, 1, {2, 2}, "same", {}, {1, 6, 6, 2}},
      {2, 4, 2, 1, "same", {}, {1, 3, 3, 20}},        {2, 5, 3, 1, "same", {2, 1}, {2, 3, 2, 3}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "filters " << c.filters << " " << c.padding << " in " << c.in[1]);
    layers::Conv2DTranspose layer = c.op.empty()
        ? layers::Conv2DTranspose(c.filters, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding)
        : layers::Conv2DTranspose(c.filters, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding,
                                  output_padding = IntTuple(c.op));
    Tensor x = random::normal(c.in);
    randomize(layer, x);
    auto w = layer.get_weights();
    Tensor ref = conv_test::reference_conv_transpose(x, w[0], w[1], c.s.expand(2), c.d.expand(2), c.padding, c.op);
    Tensor y = layer(x);
    ASSERT_EQ(y.dims(), ref.dims());
    EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
  }
}

TEST(Conv2DTranspose, ChannelsFirstMatchesChannelsLast) {
  utils::set_random_seed(22);
  layers::Conv2DTranspose last(3, 3, strides = 2, padding = "same", activation = "tanh");
  layers::Conv2DTranspose first(3, 3, strides = 2, padding = "same", activation = "tanh",
                                data_format = "channels_first");
  Tensor x = random::normal({2, 4, 5, 2});
  randomize(last, x);
  Tensor xf = conv_test::to_channels_first(x);
  first(xf);
  first.set_weights(last.get_weights());
  EXPECT_LT(max_abs_diff(conv_test::to_channels_last(first(xf)), last(x)), 1e-5f);
  keras::test_support::expect_gradients_match(first, {xf});
}

TEST(Conv2DTranspose, GradientsMatchNumerical) {
  utils::set_random_seed(23);
  struct Case {
    IntTuple k, s, d;
    const char* padding;
    std::vector<int64_t> op;
    const char* activation;
    std::vector<int64_t> in;
  };
  std::vector<Case> cases = {
      {3, 1, 1, "valid", {}, "linear", {2, 3, 4, 2}},   {3, 2, 1, "same", {}, "relu", {2, 3, 3, 3}},
      {{2, 3}, 2, 1, "valid", {1, 1}, "sigmoid", {1, 3, 2, 2}}, {3, 1, 2, "same", {}, "softmax", {1, 4, 4, 2}},
  };
  for (const auto& c : cases)
    for (bool training : {false, true}) {
      SCOPED_TRACE(::testing::Message() << c.padding << " " << c.activation << " training " << training);
      layers::Conv2DTranspose layer = c.op.empty()
          ? layers::Conv2DTranspose(3, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding,
                                    activation = c.activation)
          : layers::Conv2DTranspose(3, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding,
                                    activation = c.activation, output_padding = IntTuple(c.op));
      Tensor x = random::normal(c.in);
      randomize(layer, x);
      keras::test_support::expect_gradients_match(layer, {x}, {.training = training});
    }
}

TEST(Conv2DTranspose, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Conv2DTranspose(8, 3, strides = 2, output_padding = 2),
                    "`output_padding` must be < `strides`. output_padding=(2, 2), strides=(2, 2)", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2DTranspose(8, 3, output_padding = -1),
                    "The `output_padding` argument must be a tuple of 2 integers. Received output_padding=-1, "
                    "including values {-1} that do not satisfy `value >= 0`", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2DTranspose(0, 3), "Invalid value for argument `filters`. Expected a strictly "
                    "positive value. Received filters=0.", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2DTranspose(8, 3, strides = 2, dilation_rate = 2),
                    "`strides > 1` not supported in conjunction with `dilation_rate > 1`", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2DTranspose(8, 3, padding = "causal"),
                    "The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: causal",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Conv2DTranspose(kernel_size = 3), "Conv2DTranspose.__init__() missing 1 required "
                    "positional argument: 'filters'", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2DTranspose(8, 3)(Tensor::zeros({4, 49})),
                    "Input 0 of layer \"conv2d_transpose", "expected min_ndim=4, found ndim=2", "Hint:",
                    "x.reshape({4, 7, 7, 1})");
  EXPECT_THROW_WITH(layers::Conv2DTranspose(8, 3)(Tensor::zeros({2, 4, 8, 8, 1})),
                    "Kernel shape must have the same length as input, but received kernel of shape (3, 3, 8, 1) "
                    "and input of shape (2, 4, 8, 8, 1).", "Hint:");
  layers::Conv2DTranspose reused(4, 3);
  reused(Tensor::zeros({1, 5, 5, 3}));
  EXPECT_THROW_WITH(reused(Tensor::zeros({1, 5, 5, 2})), "expected axis -1 of input shape to have value 3", "Hint:",
                    "its kernel has shape (3, 3, 4, 3)");
}

TEST(Conv2DTranspose, UpsamplesInAModel) {
  utils::clear_session();
  utils::set_random_seed(24);
  Sequential model({Input({8, 8, 1}), layers::Conv2D(4, 3, strides = 2, padding = "same", activation = "relu"),
                    layers::Conv2DTranspose(1, 3, strides = 2, padding = "same", activation = "sigmoid")});
  EXPECT_EQ(model.output_shape(), (Shape{None, 8, 8, 1}));
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.02), loss = "binary_crossentropy");
  Tensor x = random::uniform({32, 8, 8, 1});
  History h = model.fit(x, x, epochs = 15, batch_size = 8, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
  EXPECT_TRUE(layers::is_registered("Conv2DTranspose"));
  EXPECT_TRUE(layers::is_registered("Conv1DTranspose"));
  EXPECT_TRUE(layers::is_registered("Conv3DTranspose"));
}
