#include "keras/layers/pooling/max_pooling3d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/pooling/pooling3d_reference.hpp"
#include "layers/pooling/pooling_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"
#include "support/train_call.hpp"

using namespace keras;
using namespace keras::kw;

using keras::test_support::train_call;

TEST(MaxPooling3D, ConstructionForms) {
  for (const layers::MaxPooling3D& p :
       {layers::MaxPooling3D(), layers::MaxPooling3D(2),
        layers::MaxPooling3D({2, 2, 2}, strides = {1, 1, 1}, padding = "same"),
        layers::MaxPooling3D(pool_size = 3, strides = None), layers::MaxPooling3D({3, 2, 1}, strides = 2),
        layers::MaxPool3D(data_format = "channels_first", name = "pool")})
    EXPECT_EQ(p.class_name(), "MaxPooling3D");
  utils::clear_session();
  EXPECT_EQ(layers::MaxPooling3D().name(), "max_pooling3d");
  EXPECT_TRUE(layers::is_registered("MaxPooling3D"));
}

TEST(MaxPooling3D, SymbolicShapes) {
  // Keras defaults: pool (2, 2, 2), strides = pool, "valid".
  EXPECT_EQ(layers::MaxPooling3D()(Input({8, 8, 8, 3})).shape(), (Shape{None, 4, 4, 4, 3}));
  EXPECT_EQ(layers::MaxPooling3D()(Input({5, 7, 9, 1})).shape(), (Shape{None, 2, 3, 4, 1}));
  // valid: floor((n - k) / s) + 1
  EXPECT_EQ(layers::MaxPooling3D(3, strides = 2)(Input({5, 7, 9, 2})).shape(), (Shape{None, 2, 3, 4, 2}));
  EXPECT_EQ(layers::MaxPooling3D(2, strides = {1, 2, 3})(Input({5, 7, 9, 2})).shape(), (Shape{None, 4, 3, 3, 2}));
  // same: ceil(n / s), whatever the pool size
  EXPECT_EQ(layers::MaxPooling3D(2, padding = "same")(Input({5, 7, 9, 2})).shape(), (Shape{None, 3, 4, 5, 2}));
  EXPECT_EQ(layers::MaxPooling3D(3, strides = 1, padding = "same")(Input({5, 7, 9, 2})).shape(),
            (Shape{None, 5, 7, 9, 2}));
  // None spatial sizes stay None; the batch size passes through.
  EXPECT_EQ(layers::MaxPooling3D()(Input({None, 8, None, 3})).shape(), (Shape{None, None, 4, None, 3}));
  EXPECT_EQ(layers::MaxPooling3D()(Input(batch_shape = {16, 6, 6, None, 3})).shape(), (Shape{16, 3, 3, None, 3}));
  // channels_first pools the last three axes.
  EXPECT_EQ(layers::MaxPooling3D(data_format = "channels_first")(Input({3, 8, 6, 5})).shape(),
            (Shape{None, 3, 4, 3, 2}));
  // Eager shapes are the symbolic ones; an empty batch pools to an empty batch.
  EXPECT_EQ(layers::MaxPooling3D(3, strides = 2, padding = "same")(Tensor::zeros({2, 5, 7, 9, 2})).shape(),
            (Shape{2, 3, 4, 5, 2}));
  EXPECT_EQ(layers::MaxPooling3D()(Tensor::zeros({0, 4, 4, 4, 2})).shape(), (Shape{0, 2, 2, 2, 2}));
}

TEST(MaxPooling3D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(31);
  struct Case {
    std::array<int64_t, 3> pool, strides;
    bool same, channels_first;
  };
  for (const Case& c : {Case{{2, 2, 2}, {2, 2, 2}, false, false}, Case{{3, 3, 3}, {2, 2, 2}, false, false},
                        Case{{3, 3, 3}, {1, 1, 1}, true, false}, Case{{2, 3, 1}, {2, 1, 2}, true, false},
                        Case{{4, 2, 3}, {3, 2, 2}, true, false}, Case{{1, 1, 1}, {2, 2, 2}, false, false},
                        Case{{2, 2, 2}, {3, 3, 3}, false, false}, Case{{3, 2, 2}, {2, 2, 1}, true, true},
                        Case{{2, 2, 2}, {1, 1, 1}, false, true}}) {
    Tensor x = random::normal({2, 5, 6, 7, c.channels_first ? 3 : 4});
    if (c.channels_first) x = x.reshape({2, 3, 5, 6, 7});
    layers::MaxPooling3D p(IntTuple({c.pool[0], c.pool[1], c.pool[2]}),
                           strides = IntTuple({c.strides[0], c.strides[1], c.strides[2]}),
                           padding = c.same ? "same" : "valid",
                           data_format = c.channels_first ? "channels_first" : "channels_last");
    Tensor expected = pooling3d_reference::pool(x, c.pool, c.strides, c.same, c.channels_first, true);
    Tensor y = p(x);
    ASSERT_EQ(y.shape(), expected.shape());
    EXPECT_EQ(y.to_vector(), expected.to_vector());
    EXPECT_EQ(train_call(p, x).to_vector(), expected.to_vector());  // the training path (recording maxima) agrees
  }
}

TEST(MaxPooling3D, Gradients) {
  utils::set_random_seed(32);
  // Well-separated values: the maximum is unique and stays so under the finite differences.
  for (auto [ps, st, pd] : {std::tuple{IntTuple(2), IntTuple(2), "valid"},
                            std::tuple{IntTuple(3), IntTuple(1), "same"},
                            std::tuple{IntTuple({3, 2, 1}), IntTuple({2, 1, 1}), "same"},
                            std::tuple{IntTuple(2), IntTuple(3), "valid"}}) {
    Tensor x = pooling_reference::distinct_values({2, 5, 4, 4, 2});
    layers::MaxPooling3D p(ps, strides = st, padding = pd);
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
    keras::test_support::expect_gradients_match(p, {x}, {.training = true});
  }
  Tensor xc = pooling_reference::distinct_values({2, 2, 4, 3, 5});
  layers::MaxPooling3D pc(2, strides = 1, padding = "same", data_format = "channels_first");
  pc(xc);
  keras::test_support::expect_gradients_match(pc, {xc});
}

TEST(MaxPooling3D, BackwardRoutesToTheFirstMaximum) {
  // One 2x2x2 window of ties in two depth slices: the first in (depth, height, width) order takes the gradient.
  layers::MaxPooling3D p;
  Tensor x({1, 3, 3, 0, 2, 3, 3, 3}, {1, 2, 2, 2, 1});
  for (bool training : {false, true}) {
    CallContext ctx;
    ctx.training = training;
    ctx.inputs = {x};
    ctx.outputs = p.impl()->forward(ctx);
    EXPECT_EQ(ctx.outputs[0].to_vector(), (std::vector<float>{3}));
    Tensor dx = p.impl()->backward(ctx, {Tensor({5}, {1, 1, 1, 1, 1})}).at(0);
    EXPECT_EQ(dx.to_vector(), (std::vector<float>{0, 5, 0, 0, 0, 0, 0, 0})) << "training=" << training;
  }
}

TEST(MaxPooling3D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::MaxPooling3D()(Input({8, 8, 3})),
                    "Input 0 of layer \"max_pooling3d\" is incompatible with the layer: expected ndim=5, found ndim=4. "
                    "Full shape received: (None, 8, 8, 3)",
                    "Hint: MaxPooling3D needs (batch, depth, height, width, channels), but the input gives (None, 8, "
                    "8, 3): for images use MaxPooling2D; for one-channel volumes add the channel axis, e.g. "
                    "Input(shape={8, 8, 3, 1}).");
  EXPECT_THROW_WITH(layers::MaxPooling3D(data_format = "channels_first")(Input({10, 3})),
                    "expected ndim=5, found ndim=3",
                    "Hint: MaxPooling3D needs (batch, channels, depth, height, width)", "(rank 3, expected 5)");
  EXPECT_THROW_WITH((Sequential({Input({64}), layers::Dense(64), layers::MaxPooling3D()})),
                    "expected ndim=5, found ndim=2", "Hint: MaxPooling3D needs", "the previous layer \"dense",
                    "which has no spatial axes", "before Flatten/Dense");
  EXPECT_THROW_WITH(layers::MaxPooling3D()(Tensor::zeros({2, 4, 4, 4})), "found ndim=4", "Hint:",
                    "Input(shape={4, 4, 4, 1})");
  EXPECT_THROW_WITH((Sequential({Input({6, 6, 2}), layers::Conv2D(4, 3), layers::MaxPooling3D()})),
                    "expected ndim=5, found ndim=4", "the previous layer \"conv2d", "for images use MaxPooling2D",
                    "Reshape({4, 4, 4, 1})");
  EXPECT_THROW_WITH(layers::MaxPooling3D()(Input({4, 1, 4, 3})),
                    "Computed output size would be zero or negative. Received: `inputs.shape=[None 4 1 4 3]`, "
                    "`pool_size=[2 2 2]`, `strides=(2, 2, 2)`, `padding=valid`.",
                    "Hint: with padding=\"valid\" every window must fit, but the input's depth, height and width (4, "
                    "1, 4) are smaller than pool_size (2, 2, 2)",
                    "padding=\"same\"");
  EXPECT_THROW_WITH(layers::MaxPooling3D(3, strides = 1)(Tensor::zeros({2, 5, 5, 2, 1})),
                    "`inputs.shape=[2 5 5 2 1]`, `pool_size=[3 3 3]`, `strides=(1, 1, 1)`, `padding=valid`", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling3D(2, data_format = "channels_first")(Input({3, 4, None, 1})),
                    "`inputs.shape=[None 3 4 -1 1]`", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling3D(2, padding = "full"),
                    "Argument `padding` must be either 'valid' or 'same'. Received: padding=full", "Hint:",
                    "ZeroPadding3D");
  EXPECT_THROW_WITH(layers::MaxPooling3D({2, 2}),
                    "The `pool_size` argument must be a tuple of 3 integers. Received pool_size=(2, 2)", "Hint:",
                    "pool_size={2, 2, 2}");
  EXPECT_THROW_WITH(layers::MaxPooling3D(pool_size = None),
                    "The `pool_size` argument must be a tuple of 3 integers. Received pool_size=None", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling3D(2, strides = {1, 0, 1}), "Received strides=(1, 0, 1), including values {0}",
                    "Hint:");
}

TEST(MaxPooling3D, ConfigAndSavedModel) {
  utils::set_random_seed(33);
  layers::MaxPooling3D p({3, 2, 2}, strides = 1, padding = "same");
  Layer q = layers::from_config("MaxPooling3D", p.impl()->config());
  Tensor x = random::normal({2, 4, 5, 3, 2});
  EXPECT_EQ(q(x).to_vector(), p(x).to_vector());
  Sequential model({Input({4, 5, 3, 2}), layers::MaxPooling3D({3, 2, 2}, strides = 1, padding = "same"),
                    layers::MaxPooling3D(2, data_format = "channels_first"), layers::Flatten(), layers::Dense(2)});
  keras::test_support::expect_keras_round_trip(model, x);
  const std::string config = model.to_json();
  EXPECT_NE(config.find("\"pool_size\": [3, 2, 2]"), std::string::npos) << config;
  EXPECT_NE(config.find("\"strides\": [1, 1, 1]"), std::string::npos) << config;
}
