#include "keras/layers/pooling/average_pooling3d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/pooling/pooling3d_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;

TEST(AveragePooling3D, Shapes) {
  EXPECT_EQ(layers::AveragePooling3D()(Input({8, 8, 8, 3})).shape(), (Shape{None, 4, 4, 4, 3}));
  EXPECT_EQ(layers::AveragePooling3D(3, strides = 2)(Input({7, 8, 9, 4})).shape(), (Shape{None, 3, 3, 4, 4}));
  EXPECT_EQ(layers::AveragePooling3D(3, strides = 2, padding = "same")(Input({7, 8, 9, 4})).shape(),
            (Shape{None, 4, 4, 5, 4}));
  EXPECT_EQ(layers::AveragePooling3D({1, 2, 3}, strides = {1, 1, 2})(Input({3, 4, 9, 2})).shape(),
            (Shape{None, 3, 3, 4, 2}));
  EXPECT_EQ(layers::AvgPool3D(data_format = "channels_first")(Input({3, None, 9, 4})).shape(),
            (Shape{None, 3, None, 4, 2}));
  EXPECT_EQ(layers::AveragePooling3D({2, 3, 1}, strides = 1, padding = "same")(Tensor::zeros({1, 4, 5, 3, 2})).shape(),
            (Shape{1, 4, 5, 3, 2}));
  EXPECT_EQ(layers::AveragePooling3D(2, padding = "same")(Tensor::zeros({0, 3, 3, 3, 2})).shape(),
            (Shape{0, 2, 2, 2, 2}));
}

TEST(AveragePooling3D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(35);
  struct Case {
    std::array<int64_t, 3> pool, strides;
    bool same, channels_first;
  };
  for (const Case& c : {Case{{2, 2, 2}, {2, 2, 2}, false, false}, Case{{3, 3, 3}, {2, 2, 2}, true, false},
                        Case{{3, 2, 1}, {1, 1, 1}, true, false}, Case{{2, 2, 2}, {3, 3, 3}, true, false},
                        Case{{4, 1, 2}, {2, 1, 3}, false, false}, Case{{3, 3, 2}, {2, 1, 2}, true, true}}) {
    Tensor x = random::normal({2, 5, 6, 7, 3});
    layers::AveragePooling3D p(IntTuple({c.pool[0], c.pool[1], c.pool[2]}),
                               strides = IntTuple({c.strides[0], c.strides[1], c.strides[2]}),
                               padding = c.same ? "same" : "valid",
                               data_format = c.channels_first ? "channels_first" : "channels_last");
    Tensor expected = pooling3d_reference::pool(x, c.pool, c.strides, c.same, c.channels_first, false);
    Tensor y = p(x);
    ASSERT_EQ(y.shape(), expected.shape());
    EXPECT_LT(max_abs_diff(y, expected), 1e-6f);
  }
}

TEST(AveragePooling3D, SameAveragesOnlyTheValidValues) {
  // As TensorFlow: a window overhanging the edge is the mean of the values inside, not counting the padding.
  Tensor x({1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 2, 2, 1});
  EXPECT_EQ(layers::AveragePooling3D(3, strides = 2, padding = "same")(x).to_vector(), (std::vector<float>{4.5f}));
  // The corner window of a 3x3x3 pool with strides 1 covers the whole 2x2x2 input.
  EXPECT_EQ(layers::AveragePooling3D(3, strides = 1, padding = "same")(x).at({0, 1, 1, 1, 0}), 4.5f);
  EXPECT_EQ(layers::AveragePooling3D({1, 1, 2}, strides = 1, padding = "same")(x).to_vector(),
            (std::vector<float>{1.5f, 2, 3.5f, 4, 5.5f, 6, 7.5f, 8}));
}

TEST(AveragePooling3D, Gradients) {
  utils::set_random_seed(36);
  for (auto [ps, st, pd] : {std::tuple{IntTuple(2), IntTuple(2), "valid"},
                            std::tuple{IntTuple(3), IntTuple(1), "same"},
                            std::tuple{IntTuple({3, 2, 1}), IntTuple({2, 3, 1}), "same"}}) {
    Tensor x = random::normal({2, 5, 4, 4, 2});
    layers::AveragePooling3D p(ps, strides = st, padding = pd);
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
  }
  Tensor x = random::normal({2, 2, 5, 4, 3});
  layers::AveragePooling3D p(3, strides = 2, padding = "same", data_format = "channels_first");
  p(x);
  keras::test_support::expect_gradients_match(p, {x});
  // Each output's gradient is spread evenly over its window.
  CallContext ctx;
  ctx.inputs = {Tensor::zeros({1, 2, 2, 4, 1})};
  layers::AveragePooling3D q;
  ctx.outputs = q.impl()->forward(ctx);
  Tensor dx = q.impl()->backward(ctx, {Tensor({8, 16}, {1, 1, 1, 2, 1})}).at(0);
  EXPECT_EQ(dx.to_vector(), (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2}));
}

TEST(AveragePooling3D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::AveragePooling3D()(Input({10, 10, 3})),
                    "Input 0 of layer \"average_pooling3d\" is incompatible with the layer: expected ndim=5, found "
                    "ndim=4",
                    "Hint: AveragePooling3D needs (batch, depth, height, width, channels)",
                    "for images use AveragePooling2D");
  EXPECT_THROW_WITH(layers::AveragePooling3D()(Input({10, 3})), "expected ndim=5, found ndim=3",
                    "(rank 3, expected 5)");
  EXPECT_THROW_WITH(layers::AveragePooling3D()(Input({2, 2, 2, 2, 2})), "expected ndim=5, found ndim=6",
                    "(rank 6, expected 5)");
  EXPECT_THROW_WITH(layers::AveragePooling3D(5)(Input({6, 4, 8, 1})),
                    "Computed output size would be zero or negative. Received: `inputs.shape=[None 6 4 8 1]`, "
                    "`pool_size=[5 5 5]`, `strides=(5, 5, 5)`, `padding=valid`.",
                    "Hint:");
  EXPECT_THROW_WITH(layers::AveragePooling3D(2, padding = "causal"), "Received: padding=causal", "Hint:");
  EXPECT_THROW_WITH(layers::AveragePooling3D({2, 2, 2, 2}),
                    "The `pool_size` argument must be a tuple of 3 integers. Received pool_size=(2, 2, 2, 2)", "Hint:");
}

TEST(AveragePooling3D, ConfigAndSavedModel) {
  utils::set_random_seed(37);
  layers::AveragePooling3D p(3, strides = 2, padding = "same");
  Tensor x = random::normal({2, 5, 6, 4, 3});
  EXPECT_EQ(layers::from_config("AveragePooling3D", p.impl()->config())(x).to_vector(), p(x).to_vector());
  EXPECT_TRUE(layers::is_registered("AveragePooling3D"));
  Sequential model({Input({5, 6, 4, 3}), layers::AveragePooling3D(3, strides = 2, padding = "same"),
                    layers::AveragePooling3D({1, 2, 1}, data_format = "channels_first"), layers::Flatten(),
                    layers::Dense(2)});
  keras::test_support::expect_keras_round_trip(model, x);
}
