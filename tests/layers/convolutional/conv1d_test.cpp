#include "keras/layers/convolutional/conv1d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using conv_test::keras_out_size;
using keras::test_support::randomize;

TEST(Conv1D, ShapesWeightsAndName) {
  utils::clear_session();
  layers::Conv1D c(32, 3, activation = "relu", input_shape = {100, 8});
  EXPECT_EQ(c.name(), "conv1d");
  EXPECT_EQ(c(Tensor::zeros({2, 100, 8})).shape(), (Shape{2, 98, 32}));
  EXPECT_EQ(c.get_weights()[0].shape(), (Shape{3, 8, 32}));
  EXPECT_EQ(c.count_params(), 3 * 8 * 32 + 32);
  Sequential m({Input({None, 4}), layers::Conv1D(6, 5, padding = "causal"), layers::Conv1D(2, 3, strides = 2)});
  EXPECT_EQ(m.output_shape(), (Shape{None, None, 2}));
}

TEST(Conv1D, OutputShapesFollowKerasFormula) {
  for (int64_t n = 1; n <= 12; ++n)
    for (int64_t k : {1, 2, 3, 4})
      for (int64_t s : {1, 2, 3})
        for (int64_t d : {1, 2, 3})
          for (const char* p : {"valid", "same", "causal"}) {
            if (s > 1 && d > 1) continue;
            SCOPED_TRACE(::testing::Message() << "n=" << n << " k=" << k << " s=" << s << " d=" << d << " " << p);
            int64_t o = keras_out_size(n, k, s, d, p);
            layers::Conv1D c(2, k, strides = s, dilation_rate = d, padding = p);
            if (o <= 0) {
              EXPECT_THROW_WITH(c(Input({n, 3})), "Computed output size would be zero or negative", "Hint:");
              continue;
            }
            EXPECT_EQ(c(Input({n, 3})).shape(), (Shape{None, o, 2}));
            if (n % 4 == 1) {  // eager calls create primitives: a few sizes are enough
              EXPECT_EQ(c(Tensor::zeros({2, n, 3})).shape(), (Shape{2, o, 2}));
            }
          }
}

TEST(Conv1D, ValuesMatchReference) {
  utils::set_random_seed(21);
  struct Case {
    int filters, k, s, d;
    const char* padding;
    int groups;
    std::vector<int64_t> in;
  };
  std::vector<Case> cases = {
      {4, 3, 1, 1, "valid", 1, {2, 10, 3}}, {6, 4, 2, 1, "same", 2, {3, 9, 4}},   {3, 3, 1, 2, "causal", 1, {2, 12, 2}},
      {4, 5, 1, 3, "same", 1, {1, 13, 2}},  {8, 2, 3, 1, "valid", 4, {2, 11, 8}}, {2, 1, 1, 1, "causal", 1, {2, 5, 3}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "k " << c.k << " s " << c.s << " d " << c.d << " " << c.padding);
    layers::Conv1D layer(c.filters, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding, groups = c.groups);
    Tensor x = random::normal(c.in);
    randomize(layer, x);
    auto w = layer.get_weights();
    conv_test::RefParams p{{c.s}, {c.d}, c.padding, c.groups};
    Tensor ref = conv_test::reference_conv(x, w[0], w[1], p);
    Tensor y = layer(x);
    ASSERT_EQ(y.dims(), ref.dims());
    EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
  }
}

TEST(Conv1D, CausalSeesOnlyThePast) {
  layers::Conv1D c(1, 3, padding = "causal", kernel_initializer = "ones", use_bias = false);
  Tensor x = Tensor::arange(6).reshape({1, 6, 1});
  Tensor y = c(x);
  std::vector<float> expect = {0, 0 + 1, 0 + 1 + 2, 1 + 2 + 3, 2 + 3 + 4, 3 + 4 + 5};
  EXPECT_EQ(y.to_vector(), expect);
}

TEST(Conv1D, ChannelsFirst) {
  utils::set_random_seed(22);
  layers::Conv1D last(3, 3, padding = "same");
  layers::Conv1D first(3, 3, padding = "same", data_format = "channels_first");
  Tensor x = random::normal({2, 7, 4});
  randomize(last, x);
  first(conv_test::to_channels_first(x));
  first.set_weights(last.get_weights());
  EXPECT_LT(max_abs_diff(conv_test::to_channels_last(first(conv_test::to_channels_first(x))), last(x)), 1e-5f);
}

TEST(Conv1D, GradientsMatchNumerical) {
  utils::set_random_seed(23);
  struct Case {
    int filters, k, s, d;
    const char* padding;
    int groups;
    const char* activation;
  };
  for (const auto& c : std::vector<Case>{{3, 3, 1, 1, "valid", 1, "linear"},
                                         {4, 4, 2, 1, "same", 2, "tanh"},
                                         {2, 3, 1, 2, "causal", 1, "linear"},
                                         {4, 3, 1, 1, "same", 4, "elu"}}) {
    SCOPED_TRACE(::testing::Message() << c.padding << " groups " << c.groups << " " << c.activation);
    layers::Conv1D layer(c.filters, c.k, strides = c.s, dilation_rate = c.d, padding = c.padding, groups = c.groups,
                         activation = c.activation);
    Tensor x = random::normal({2, 9, 4});
    randomize(layer, x);
    keras::test_support::expect_gradients_match(layer, {x}, {.training = true});
  }
}

TEST(Conv1D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Conv1D(8, 3)(Tensor::zeros({64, 100})),
                    "Input 0 of layer \"conv1d\" is incompatible with the layer: expected min_ndim=3, found ndim=2. "
                    "Full shape received: (64, 100)",
                    "Hint: Conv1D needs inputs shaped (batch, steps, channels): add the channels axis, e.g. "
                    "x.reshape({64, 100, 1})");
  EXPECT_THROW_WITH(layers::Conv1D(8, 5)(Input({3, 2})),
                    "Computed output size would be zero or negative. Received `inputs shape=(None, 3, 2)`, "
                    "`kernel shape=(5, 2, 8)`, `dilation_rate=[1]`, `strides=(1,)`, `padding=valid`.",
                    "Hint: the input (None, 3, 2) (steps (3,)) is smaller than the 5 kernel");
  EXPECT_THROW_WITH(layers::Conv1D(8, {3, 3}), "The `kernel_size` argument must be a tuple of 1 integers. Received "
                    "kernel_size=(3, 3)", "Hint:");
  EXPECT_THROW_WITH(layers::Conv1D(8, 3, padding = "full"),
                    "must be a list/tuple or one of {'valid', 'same', 'causal'}. Received: full", "Hint:", "causal");
  EXPECT_THROW_WITH(layers::Conv1D(8, 3, strides = 2, dilation_rate = 2),
                    "Received: strides=(2,) and dilation_rate=(2,)", "Hint:");
}

TEST(Conv1D, GroupsFollowKerasRules) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Conv1D(6, 3, groups = 4), "Received: groups=4, filters=6.", "Hint:");
  EXPECT_THROW_WITH(layers::Conv1D(4, 3, groups = 4)(Input({10, 6})),
                    "Received groups=4, but the input has 6 channels (full input shape is (None, 10, 6)).", "Hint:");
  layers::Conv1D g(4, 3, groups = 2, dilation_rate = 2);
  EXPECT_EQ(g(Input({10, 6})).shape(), (Shape{None, 6, 4}));
  EXPECT_EQ(g.get_weights()[0].shape(), (Shape{3, 3, 4}));
}
