#include "keras/layers/pooling/average_pooling2d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/pooling/pooling_reference.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(AveragePooling2D, Shapes) {
  EXPECT_EQ(layers::AveragePooling2D()(Input({28, 28, 3})).shape(), (Shape{None, 14, 14, 3}));
  EXPECT_EQ(layers::AveragePooling2D(3, strides = 2)(Input({7, 8, 4})).shape(), (Shape{None, 3, 3, 4}));
  EXPECT_EQ(layers::AveragePooling2D(3, strides = 2, padding = "same")(Input({7, 8, 4})).shape(),
            (Shape{None, 4, 4, 4}));
  EXPECT_EQ(layers::AvgPool2D(data_format = "channels_first")(Input({3, None, 9})).shape(), (Shape{None, 3, None, 4}));
  EXPECT_EQ(layers::AveragePooling2D({2, 3}, strides = 1, padding = "same")(Tensor::zeros({1, 4, 5, 2})).shape(),
            (Shape{1, 4, 5, 2}));
}

TEST(AveragePooling2D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(5);
  struct Case {
    std::vector<int64_t> pool, strides;
    bool same, channels_first;
  };
  for (const Case& c : {Case{{2, 2}, {2, 2}, false, false}, Case{{3, 3}, {2, 2}, true, false},
                        Case{{3, 2}, {1, 1}, true, false}, Case{{2, 2}, {3, 3}, true, false},
                        Case{{3, 3}, {2, 1}, true, true}}) {
    Tensor x = random::normal({2, 7, 6, 3});
    layers::AveragePooling2D p(IntTuple(c.pool), strides = IntTuple(c.strides), padding = c.same ? "same" : "valid",
                               data_format = c.channels_first ? "channels_first" : "channels_last");
    Tensor expected = pooling_reference::pool(x, 2, c.pool, c.strides, c.same, c.channels_first, false);
    Tensor y = p(x);
    ASSERT_EQ(y.shape(), expected.shape());
    EXPECT_LT(max_abs_diff(y, expected), 1e-6f);
  }
}

TEST(AveragePooling2D, SameAveragesOnlyTheValidValues) {
  // As TensorFlow: a window overhanging the edge is the mean of the values inside, not counting the padding.
  Tensor x({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1});
  EXPECT_EQ(layers::AveragePooling2D(2, strides = 2, padding = "same")(x).to_vector(),
            (std::vector<float>{3, 4.5f, 7.5f, 9}));
  // (1 + 2 + 4 + 5) / 4
  EXPECT_EQ(layers::AveragePooling2D(3, strides = 1, padding = "same")(x).at({0, 0, 0, 0}), 3.0f);
}

TEST(AveragePooling2D, Gradients) {
  utils::set_random_seed(6);
  for (auto [ps, st, pd] : {std::tuple{IntTuple(2), IntTuple(2), "valid"},
                                        std::tuple{IntTuple(3), IntTuple(1), "same"},
                                        std::tuple{IntTuple({3, 2}), IntTuple({2, 3}), "same"}}) {
    Tensor x = random::normal({2, 6, 7, 3});
    layers::AveragePooling2D p(ps, strides = st, padding = pd);
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
  }
  Tensor x = random::normal({2, 3, 5, 5});
  layers::AveragePooling2D p(3, strides = 2, padding = "same", data_format = "channels_first");
  p(x);
  keras::test_support::expect_gradients_match(p, {x});
  // Each output's gradient is spread evenly over its window.
  CallContext ctx;
  ctx.inputs = {Tensor::zeros({1, 4, 4, 1})};
  layers::AveragePooling2D q;
  ctx.outputs = q.impl()->forward(ctx);
  Tensor dx = q.impl()->backward(ctx, {Tensor({4, 8, 12, 16}, {1, 2, 2, 1})}).at(0);
  EXPECT_EQ(dx.to_vector(), (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
}

TEST(AveragePooling2D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::AveragePooling2D()(Input({10, 3})),
                    "Input 0 of layer \"average_pooling2d\" is incompatible with the layer: expected ndim=4, found "
                    "ndim=3",
                    "Hint: AveragePooling2D needs (batch, height, width, channels)", "AveragePooling1D");
  EXPECT_THROW_WITH(layers::AveragePooling2D(5)(Input({4, 8, 1})),
                    "Computed output size would be zero or negative. Received: `inputs.shape=[None 4 8 1]`, "
                    "`pool_size=[5 5]`, `strides=(5, 5)`, `padding=valid`.",
                    "Hint:");
  EXPECT_THROW_WITH(layers::AveragePooling2D(2, padding = "causal"), "Received: padding=causal", "Hint:");
}

TEST(AveragePooling2D, ConfigAndRegistry) {
  layers::AveragePooling2D p(3, strides = 2, padding = "same");
  Tensor x = random::normal({2, 5, 6, 3});
  EXPECT_EQ(layers::from_config("AveragePooling2D", p.impl()->config())(x).to_vector(), p(x).to_vector());
}
