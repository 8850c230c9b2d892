#include "keras/layers/convolutional/conv2d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using conv_test::keras_out_size;
using keras::test_support::randomize;

TEST(Conv2D, ShapesWeightsAndName) {
  utils::clear_session();
  layers::Conv2D c(32, {3, 3});
  EXPECT_EQ(c.name(), "conv2d");
  EXPECT_EQ(layers::Conv2D(8, 3).name(), "conv2d_1");
  EXPECT_FALSE(c.built());
  EXPECT_EQ(c(random::normal({2, 28, 28, 1})).shape(), (Shape{2, 26, 26, 32}));
  auto w = c.get_weights();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].shape(), (Shape{3, 3, 1, 32}));
  EXPECT_EQ(w[1].shape(), (Shape{32}));
  EXPECT_EQ(c.count_params(), 320);
  // The CNN's second convolution.
  layers::Conv2D c2(64, 3, activation = "relu");
  EXPECT_EQ(c2(Tensor::zeros({4, 13, 13, 32})).shape(), (Shape{4, 11, 11, 64}));
  EXPECT_EQ(c2.count_params(), 3 * 3 * 32 * 64 + 64);
  // Keyword forms.
  EXPECT_EQ(layers::Conv2D(filters = 4, kernel_size = {2, 3})(Tensor::zeros({1, 5, 5, 2})).shape(),
            (Shape{1, 4, 3, 4}));
  layers::Conv2D nb(4, 1, use_bias = false);
  nb(Tensor::zeros({1, 2, 2, 3}));
  EXPECT_EQ(nb.count_params(), 12);
  EXPECT_EQ(nb.get_weights().size(), 1u);
}

TEST(Conv2D, OutputShapesFollowKerasFormula) {
  for (int64_t n : {5, 7, 8, 13})
    for (int64_t k : {1, 2, 3, 5})
      for (int64_t s : {1, 2, 3})
        for (int64_t d : {1, 2})
          for (const char* p : {"valid", "same"}) {
            if (s > 1 && d > 1) continue;
            SCOPED_TRACE(::testing::Message() << "n=" << n << " k=" << k << " s=" << s << " d=" << d << " " << p);
            int64_t oh = keras_out_size(n, k, s, d, p), ow = keras_out_size(n + 1, k, s, d, p);
            auto make = [&] { return layers::Conv2D(3, k, strides = s, dilation_rate = d, padding = p); };
            if (oh <= 0 || ow <= 0) {
              EXPECT_THROW(make()(Input({n, n + 1, 2})), ValueError);
              continue;
            }
            EXPECT_EQ(make()(Input({n, n + 1, 2})).shape(), (Shape{None, oh, ow, 3}));
            EXPECT_EQ(make()(Tensor::zeros({2, n, n + 1, 2})).shape(), (Shape{2, oh, ow, 3}));
          }
  // Per-axis tuples, and "same" with strides: ceil(n / s).
  EXPECT_EQ(layers::Conv2D(2, {3, 1}, strides = {2, 3}, padding = "same")(Input({9, 10, 1})).shape(),
            (Shape{None, 5, 4, 2}));
  EXPECT_EQ(layers::Conv2D(2, {5, 3}, dilation_rate = {1, 2})(Input({9, 10, 1})).shape(), (Shape{None, 5, 6, 2}));
  EXPECT_EQ(layers::Conv2D(2, 3, padding = "SAME")(Input({9, 10, 1})).shape(), (Shape{None, 9, 10, 2}));
}

TEST(Conv2D, UnknownSpatialDims) {
  auto out = layers::Conv2D(8, 3, strides = 2)(Input({None, None, 3}));
  EXPECT_EQ(out.shape(), (Shape{None, None, None, 8}));
  layers::Conv2D c(8, 3);
  EXPECT_EQ(c(Input({None, 12, 3})).shape(), (Shape{None, None, 10, 8}));
  EXPECT_EQ(c(Tensor::zeros({2, 7, 12, 3})).shape(), (Shape{2, 5, 10, 8}));
  EXPECT_EQ(c(Tensor::zeros({1, 30, 12, 3})).shape(), (Shape{1, 28, 10, 8}));
  // Too small at run time: Keras's message, from the actual input.
  EXPECT_THROW_WITH(c(Tensor::zeros({1, 2, 12, 3})), "Computed output size would be zero or negative",
                    "`inputs shape=(1, 2, 12, 3)`", "Hint:");
}

TEST(Conv2D, ValuesMatchReference) {
  utils::set_random_seed(7);
  struct Case {
    int filters;
    IntTuple k, s, d;
    const char* padding;
    int groups;
    bool bias;
    std::vector<int64_t> in;
  };
  std::vector<Case> cases = {
      {5, {3, 3}, 1, 1, "valid", 1, true, {2, 7, 8, 3}},   {4, {3, 2}, {2, 1}, 1, "same", 1, true, {3, 7, 6, 2}},
      {6, {2, 2}, 2, 1, "same", 1, false, {1, 5, 5, 4}},   {6, 3, 1, {2, 2}, "same", 3, true, {2, 9, 9, 6}},
      {4, 3, 1, {1, 2}, "valid", 2, true, {2, 8, 10, 4}}, {8, 1, 1, 1, "valid", 1, true, {2, 4, 4, 3}},
      {4, {4, 4}, 1, 1, "same", 1, true, {1, 5, 5, 2}},    {6, 3, 1, 1, "same", 6, true, {2, 6, 6, 6}},
      {3, 5, 3, 1, "same", 1, true, {2, 11, 7, 2}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "filters " << c.filters << " padding " << c.padding << " groups "
                                      << c.groups);
    layers::Conv2D layer(c.filters, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding, groups = c.groups,
                         use_bias = c.bias);
    Tensor x = random::normal(c.in);
    randomize(layer, x);
    auto w = layer.get_weights();
    conv_test::RefParams p{c.s.expand(2), c.d.expand(2), c.padding, c.groups};
    Tensor ref = conv_test::reference_conv(x, w[0], c.bias ? w[1] : Tensor(), p);
    Tensor y = layer(x);
    ASSERT_EQ(y.dims(), ref.dims());
    EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
  }
}

TEST(Conv2D, SamePaddingPutsTheOddElementAtTheEnd) {
  // 5x5 input 0..24, a 2x2 kernel of ones, "same": one padding row/column, after the data (TensorFlow's rule).
  layers::Conv2D c(1, 2, padding = "same", kernel_initializer = "ones", use_bias = false);
  Tensor x = Tensor::arange(25).reshape({1, 5, 5, 1});
  Tensor y = c(x);
  ASSERT_EQ(y.shape(), (Shape{1, 5, 5, 1}));
  EXPECT_FLOAT_EQ(y.at({0, 0, 0, 0}), 0 + 1 + 5 + 6);
  EXPECT_FLOAT_EQ(y.at({0, 4, 4, 0}), 24);
  EXPECT_FLOAT_EQ(y.at({0, 4, 0, 0}), 20 + 21);
  // 4x4 kernel on 5x5: 3 padding elements, 1 before and 2 after.
  layers::Conv2D c4(1, 4, padding = "same", kernel_initializer = "ones", use_bias = false);
  Tensor y4 = c4(x);
  EXPECT_FLOAT_EQ(y4.at({0, 0, 0, 0}), (0 + 1 + 2) + (5 + 6 + 7) + (10 + 11 + 12));
  EXPECT_FLOAT_EQ(y4.at({0, 4, 4, 0}), 18 + 19 + 23 + 24);
}

TEST(Conv2D, ChannelsFirst) {
  utils::set_random_seed(8);
  for (int g : {1, 2}) {
    layers::Conv2D last(4, {3, 2}, padding = "same", strides = {1, 2}, groups = g, activation = "tanh");
    layers::Conv2D first(4, {3, 2}, padding = "same", strides = {1, 2}, groups = g, activation = "tanh",
                         data_format = "channels_first");
    Tensor x = random::normal({2, 6, 7, 4});
    randomize(last, x);
    Tensor xf = conv_test::to_channels_first(x);
    EXPECT_EQ(first(Input({4, 6, 7})).shape(), (Shape{None, 4, 6, 4}));
    first.set_weights(last.get_weights());
    Tensor yf = first(xf);
    ASSERT_EQ(yf.shape(), (Shape{2, 4, 6, 4}));
    EXPECT_LT(max_abs_diff(conv_test::to_channels_last(yf), last(x)), 1e-5f);
    EXPECT_EQ(first.get_weights()[0].shape(), (Shape{3, 2, 4 / g, 4}));
    keras::test_support::expect_gradients_match(first, {xf});
    // The channel axis is axis 1.
    EXPECT_THROW_WITH(first(Tensor::zeros({2, 3, 6, 7})), "expected axis 1 of input shape to have value 4", "Hint:");
  }
}

TEST(Conv2D, FusedReluMatchesSeparateActivation) {
  utils::set_random_seed(9);
  layers::Conv2D fused(6, 3, activation = "relu");
  layers::Conv2D plain(6, 3);
  Tensor x = random::normal({2, 8, 8, 3});
  randomize(fused, x);
  plain(x);
  plain.set_weights(fused.get_weights());
  Tensor z = plain(x);
  Tensor y = fused(x);
  for (int64_t i = 0; i < z.size(); ++i) ASSERT_FLOAT_EQ(y.data()[i], std::max(z.data()[i], 0.0f));
  // Backward through the fused relu: dz = g where y > 0.
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  ctx.outputs = fused.impl()->forward(ctx);
  Tensor g = random::normal(y.dims());
  for (const auto& v : fused.impl()->variables()) v->grad = Tensor();
  Tensor dx = fused.impl()->backward(ctx, {g})[0];
  Tensor gz = g.copy();
  for (int64_t i = 0; i < gz.size(); ++i)
    if (!(y.data()[i] > 0)) gz.data()[i] = 0;
  CallContext pctx;
  pctx.inputs = {x};
  pctx.outputs = plain.impl()->forward(pctx);
  for (const auto& v : plain.impl()->variables()) v->grad = Tensor();
  Tensor dx2 = plain.impl()->backward(pctx, {gz})[0];
  EXPECT_LT(max_abs_diff(dx, dx2), 1e-5f);
  EXPECT_LT(max_abs_diff(fused.impl()->variables()[0]->grad, plain.impl()->variables()[0]->grad), 1e-4f);
  EXPECT_LT(max_abs_diff(fused.impl()->variables()[1]->grad, plain.impl()->variables()[1]->grad), 1e-4f);
}

TEST(Conv2D, GradientsMatchNumerical) {
  utils::set_random_seed(10);
  struct Case {
    int filters;
    IntTuple k, s, d;
    const char* padding;
    int groups;
    const char* activation;
    std::vector<int64_t> in;
  };
  std::vector<Case> cases = {
      {3, 3, 1, 1, "valid", 1, "linear", {2, 6, 5, 2}}, {4, {3, 2}, {2, 1}, 1, "same", 1, "tanh", {2, 7, 6, 2}},
      {4, 3, 1, 2, "same", 2, "linear", {1, 7, 7, 4}},  {4, 2, 2, 1, "same", 4, "sigmoid", {2, 5, 5, 4}},
      {2, 3, 1, 1, "same", 1, "softmax", {1, 4, 4, 3}},
  };
  for (const auto& c : cases) {
    for (bool training : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "padding " << c.padding << " groups " << c.groups << " act "
                                        << c.activation << " training " << training);
      layers::Conv2D layer(c.filters, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding,
                           groups = c.groups, activation = c.activation);
      Tensor x = random::normal(c.in);
      randomize(layer, x);
      keras::test_support::expect_gradients_match(layer, {x}, {.training = training});
    }
  }
}

TEST(Conv2D, Errors) {
  utils::clear_session();
  // Rank: the conv layer itself (a direct call).
  EXPECT_THROW_WITH(layers::Conv2D(32, {3, 3})(Tensor::zeros({100, 1024})),
                    "Input 0 of layer \"conv2d\" is incompatible with the layer: expected min_ndim=4, found ndim=2. "
                    "Full shape received: (100, 1024)",
                    "Hint: Conv2D needs inputs shaped (batch, height, width, channels): reshape the data, e.g. "
                    "x.reshape({100, 32, 32, 1})");
  EXPECT_THROW_WITH(layers::Conv2D(8, 3)(Tensor::zeros({100, 28, 28})), "expected min_ndim=4, found ndim=3",
                    "Hint:", "x.reshape({100, 28, 28, 1})");
  EXPECT_THROW_WITH(layers::Conv2D(8, 3)(layers::Dense(64)(Input({10}))), "expected min_ndim=4, found ndim=2",
                    "Hint:", "previous layer \"dense", "Reshape({8, 8, 1})");
  EXPECT_THROW_WITH(layers::Conv2D(8, 3)(Tensor::zeros({2, 4, 8, 8, 1})),
                    "Kernel shape must have the same length as input, but received kernel of shape (3, 3, 1, 8) and "
                    "input of shape (2, 4, 8, 8, 1).", "Hint:");
  // Too small for the kernel: Keras's message when the model is defined.
  EXPECT_THROW_WITH((Sequential({Input({2, 2, 64}), layers::Conv2D(32, 3)})),
                    "Computed output size would be zero or negative. Received `inputs shape=(None, 2, 2, 64)`, "
                    "`kernel shape=(3, 3, 64, 32)`, `dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.",
                    "Hint: the input (None, 2, 2, 64) (height, width (2, 2)) is smaller than the 3x3 kernel",
                    "padding=\"same\"");
  EXPECT_THROW_WITH(layers::Conv2D(4, 3, dilation_rate = 3)(Input({6, 6, 1})),
                    "`dilation_rate=[3 3]`", "7x7 window with dilation_rate=(3, 3)", "Hint:");
  // Groups.
  EXPECT_THROW_WITH(layers::Conv2D(32, 3, groups = 3),
                    "The number of filters must be evenly divisible by the number of groups. Received: groups=3, "
                    "filters=32.", "Hint:", "33");
  EXPECT_THROW_WITH(layers::Conv2D(32, 3, groups = 0),
                    "The number of groups must be a positive integer. Received: groups=0.", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(4, 3, groups = 2)(Input({8, 8, 3})),
                    "The number of input channels must be evenly divisible by the number of groups. Received "
                    "groups=2, but the input has 3 channels (full input shape is (None, 8, 8, 3)).", "Hint:");
  // Arguments.
  EXPECT_THROW_WITH(layers::Conv2D(0, 3), "Invalid value for argument `filters`. Expected a strictly positive value. "
                    "Received filters=0.", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(4, 3, strides = 2, dilation_rate = 2),
                    "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2, 2) and "
                    "dilation_rate=(2, 2)", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(4, 3, padding = "full"),
                    "The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: full",
                    "Hint:", "padding=\"same\"");
  EXPECT_THROW_WITH(layers::Conv2D(4, 3, padding = "causal"), "one of {'valid', 'same'}. Received: causal", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(4, 3, padding = 1), "Received: (1,)", "Hint:", "ZeroPadding2D");
  EXPECT_THROW_WITH(layers::Conv2D(4, {3, 3, 3}),
                    "The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=(3, 3, 3)",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(4, {3, 0}),
                    "The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=(3, 0), including "
                    "values {0} that do not satisfy `value > 0`", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(4, 3, strides = -1), "Received strides=-1, including values {-1}", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(4, 3, data_format = "nhwc"),
                    "The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: "
                    "data_format=nhwc", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(4, 3, activation = "relux"), "relux", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(kernel_size = 3), "Conv2D.__init__() missing 1 required positional argument: "
                    "'filters'", "Hint:");
  EXPECT_THROW_WITH(layers::Conv2D(), "missing 2 required positional arguments: 'filters' and 'kernel_size'",
                    "Hint:");
  // Channels: unknown, and a reused layer fed other channels.
  EXPECT_THROW_WITH(layers::Conv2D(4, 3)(Input({8, 8, None})), "The channel dimension of the inputs should be "
                    "defined", "Hint:");
  layers::Conv2D reused(4, 3);
  reused(Tensor::zeros({2, 8, 8, 3}));
  EXPECT_THROW_WITH(reused(Tensor::zeros({2, 8, 8, 1})),
                    "expected axis -1 of input shape to have value 3, but received input with shape (2, 8, 8, 1)",
                    "Hint:", "built for inputs with 3 channels (its kernel has shape (3, 3, 3, 4)) but got 1");
}

TEST(Conv2D, ScenarioFlatDataIntoConvModel) {
  utils::clear_session();
  utils::set_random_seed(11);
  Sequential model({layers::Conv2D(32, {3, 3}, input_shape = {32, 32, 1}, activation = "relu"),
                    layers::Conv2D(8, 3, strides = 2), layers::Flatten(), layers::Dense(10, activation = "softmax")});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  // (100, 1024): the model's own check names both shapes and says how to reshape.
  EXPECT_THROW_WITH(model.fit(Tensor::zeros({100, 1024}), Tensor::zeros({100}), verbose = 0),
                    "(None, 32, 32, 1)", "(100, 1024)", "Hint:", "x.reshape({100, 32, 32, 1})");
  EXPECT_THROW_WITH(model.predict(Tensor::zeros({100, 1024})), "(None, 32, 32, 1)", "(100, 1024)",
                    "x.reshape({100, 32, 32, 1})");
  // (100, 32, 32, 1) trains.
  Tensor x = random::uniform({100, 32, 32, 1});
  Tensor y = random::randint(0, 10, {100});
  History h = model.fit(x, y, epochs = 1, batch_size = 32, verbose = 0);
  ASSERT_EQ(h.history.at("loss").size(), 1u);
  EXPECT_TRUE(std::isfinite(h.history.at("loss")[0]));
  EXPECT_EQ(model.predict(x, verbose = 0).shape(), (Shape{100, 10}));
}

TEST(Conv2D, TrainsAndLearns) {
  // A per-pixel task: output 1 where the pixel is brighter than 0.5. The model ends with a sigmoid convolution, so
  // the loss works from its logits (final_activation / preactivation).
  utils::set_random_seed(12);
  Tensor x = random::uniform({64, 8, 8, 1});
  Tensor y = Tensor::empty({64, 8, 8, 1});
  for (int64_t n = 0; n < 64; ++n)
    for (int64_t i = 0; i < 8; ++i)
      for (int64_t j = 0; j < 8; ++j) y.at({n, i, j, 0}) = x.at({n, i, j, 0}) > 0.5f ? 1.0f : 0.0f;
  Sequential model({Input({8, 8, 1}), layers::Conv2D(4, 3, padding = "same", activation = "relu"),
                    layers::Conv2D(1, 1, activation = "sigmoid")});
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.03), loss = "binary_crossentropy",
                metrics = {"accuracy"});
  History h = model.fit(x, y, epochs = 40, batch_size = 16, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), 0.5 * h.history.at("loss").front());
  EXPECT_GT(h.history.at("accuracy").back(), 0.9);
}

TEST(Conv2D, RegisteredByClassName) {
  utils::clear_session();
  kw::Kwargs k;
  k.set("filters", 4);
  k.set("kernel_size", IntTuple{3, 3});
  k.set("padding", PaddingArg("same"));
  Layer l = layers::from_config("Conv2D", k);
  EXPECT_EQ(l.class_name(), "Conv2D");
  EXPECT_EQ(l.name(), "conv2d");
  EXPECT_EQ(l(Tensor::zeros({1, 5, 5, 2})).shape(), (Shape{1, 5, 5, 4}));
  for (const char* n : {"Conv1D", "Conv2D", "Conv3D"}) EXPECT_TRUE(layers::is_registered(n)) << n;
}
