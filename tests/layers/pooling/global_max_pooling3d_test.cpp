#include "keras/layers/pooling/global_max_pooling3d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/pooling/pooling3d_reference.hpp"
#include "layers/pooling/pooling_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;

TEST(GlobalMaxPooling3D, Shapes) {
  EXPECT_EQ(layers::GlobalMaxPooling3D()(Input({6, 5, 4, 3})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalMaxPooling3D(keepdims = true)(Input({6, 5, 4, 3})).shape(), (Shape{None, 1, 1, 1, 3}));
  EXPECT_EQ(layers::GlobalMaxPooling3D(data_format = "channels_first")(Input({3, 6, 5, 4})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalMaxPooling3D(data_format = "channels_first", keepdims = true)(Input({3, 6, 5, 4})).shape(),
            (Shape{None, 3, 1, 1, 1}));
  // None spatial sizes are pooled away.
  EXPECT_EQ(layers::GlobalMaxPooling3D()(Input({None, None, None, 3})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalMaxPool3D()(Tensor::zeros({2, 6, 5, 4, 3})).shape(), (Shape{2, 3}));
  EXPECT_EQ(layers::GlobalMaxPool3D(keepdims = true)(Tensor::zeros({0, 6, 5, 4, 3})).shape(), (Shape{0, 1, 1, 1, 3}));
}

TEST(GlobalMaxPooling3D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(41);
  for (bool cf : {false, true}) {
    Tensor x = random::normal({2, 4, 3, 5, 3});
    Tensor y = layers::GlobalMaxPooling3D(data_format = cf ? "channels_first" : "channels_last")(x);
    Tensor expected = pooling3d_reference::global_pool(x, cf, true);
    ASSERT_EQ(y.shape(), expected.shape());
    EXPECT_EQ(y.to_vector(), expected.to_vector());
    Tensor kept = layers::GlobalMaxPooling3D(data_format = cf ? "channels_first" : "channels_last", keepdims = true)(x);
    EXPECT_EQ(kept.to_vector(), y.to_vector());
  }
}

TEST(GlobalMaxPooling3D, Gradients) {
  utils::set_random_seed(42);
  for (bool cf : {false, true}) {
    Tensor x = pooling_reference::distinct_values({2, 4, 3, 5, 3});
    layers::GlobalMaxPooling3D p(data_format = cf ? "channels_first" : "channels_last");
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
  }
  // The gradient goes to the first maximum of each channel, in (depth, height, width) order.
  layers::GlobalMaxPooling3D p;
  CallContext ctx;
  ctx.inputs = {Tensor({1, 3, 2, 0, 3, 3, 1, 2}, {1, 2, 2, 2, 1})};
  ctx.outputs = p.impl()->forward(ctx);
  EXPECT_EQ(p.impl()->backward(ctx, {Tensor({5}, {1, 1})}).at(0).to_vector(),
            (std::vector<float>{0, 5, 0, 0, 0, 0, 0, 0}));
}

TEST(GlobalMaxPooling3D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::GlobalMaxPooling3D()(Input({10})),
                    "Input 0 of layer \"global_max_pooling3d\" is incompatible with the layer: expected ndim=5, "
                    "found ndim=2",
                    "Hint: GlobalMaxPooling3D turns (batch, depth, height, width, channels) into (batch, channels)",
                    "already gives (None, 10)", "remove this layer");
  EXPECT_THROW_WITH(layers::GlobalMaxPooling3D()(Input({8, 8, 3})), "expected ndim=5, found ndim=4", "Hint:",
                    "for images use GlobalMaxPooling2D", "Input(shape={8, 8, 3, 1})");
  EXPECT_THROW_WITH(layers::GlobalMaxPooling3D()(Input({8, 3})), "expected ndim=5, found ndim=3",
                    "Hint: GlobalMaxPooling3D needs", "(rank 3, expected 5)");
  EXPECT_THROW_WITH(layers::GlobalMaxPooling3D(data_format = "channels_middle"),
                    "Received: data_format=channels_middle", "Hint:");
}

TEST(GlobalMaxPooling3D, ConfigAndSavedModel) {
  utils::set_random_seed(43);
  layers::GlobalMaxPooling3D p(keepdims = true);
  Tensor x = random::normal({2, 4, 3, 5, 3});
  EXPECT_EQ(layers::from_config("GlobalMaxPooling3D", p.impl()->config())(x).to_vector(), p(x).to_vector());
  EXPECT_EQ(layers::from_config("GlobalMaxPooling3D", p.impl()->config())(x).shape(), p(x).shape());
  EXPECT_TRUE(layers::is_registered("GlobalMaxPooling3D"));
  Sequential model({Input({4, 3, 5, 3}), layers::Dense(4), layers::GlobalMaxPooling3D(keepdims = true),
                    layers::Flatten(), layers::Dense(2)});
  keras::test_support::expect_keras_round_trip(model, x);
}
