#include "keras/layers/pooling/global_max_pooling2d.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "keras/keras.hpp"
#include "layers/pooling/pooling_reference.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(GlobalMaxPooling2D, Shapes) {
  EXPECT_EQ(layers::GlobalMaxPooling2D()(Input({5, 4, 3})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalMaxPooling2D(keepdims = true)(Input({5, 4, 3})).shape(), (Shape{None, 1, 1, 3}));
  EXPECT_EQ(layers::GlobalMaxPooling2D(data_format = "channels_first")(Input({3, 5, 4})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalMaxPooling2D(data_format = "channels_first", keepdims = true)(Input({3, 5, 4})).shape(),
            (Shape{None, 3, 1, 1}));
  // None spatial sizes are pooled away.
  EXPECT_EQ(layers::GlobalMaxPooling2D()(Input({None, None, 3})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalMaxPool2D()(Tensor::zeros({2, 5, 4, 3})).shape(), (Shape{2, 3}));
}

TEST(GlobalMaxPooling2D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(11);
  for (bool cf : {false, true}) {
    Tensor x = pooling_reference::distinct_values({2, 5, 4, 3});
    Tensor y = layers::GlobalMaxPooling2D(data_format = cf ? "channels_first" : "channels_last")(x);
    Tensor expected = pooling_reference::global_max(x, cf);
    ASSERT_EQ(y.shape(), expected.shape());
    EXPECT_LT(max_abs_diff(y, expected), 1e-5f);
    Tensor kept = layers::GlobalMaxPooling2D(data_format = cf ? "channels_first" : "channels_last", keepdims = true)(x);
    EXPECT_EQ(kept.to_vector(), y.to_vector());
  }
}

TEST(GlobalMaxPooling2D, Gradients) {
  utils::set_random_seed(12);
  for (bool cf : {false, true}) {
    Tensor x = pooling_reference::distinct_values({2, 5, 4, 3});
    layers::GlobalMaxPooling2D p(data_format = cf ? "channels_first" : "channels_last");
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
  }
  Sequential model({Input({5, 4, 3}), layers::GlobalMaxPooling2D(), layers::Dense(2)});
  keras::test_support::expect_gradients_match(model, {pooling_reference::distinct_values({2, 5, 4, 3})});
  // The gradient goes to the first maximum of each channel.
  layers::GlobalMaxPooling2D p;
  CallContext ctx;
  ctx.inputs = {Tensor({1, 3, 3, 2}, {1, 2, 2, 1})};
  ctx.outputs = p.impl()->forward(ctx);
  EXPECT_EQ(p.impl()->backward(ctx, {Tensor({5}, {1, 1})}).at(0).to_vector(), (std::vector<float>{0, 5, 0, 0}));
}

TEST(GlobalMaxPooling2D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::GlobalMaxPooling2D()(Input({10})),
                    "Input 0 of layer \"global_max_pooling2d\" is incompatible with the layer: expected ndim=4, "
                    "found ndim=2",
                    "Hint: GlobalMaxPooling2D turns", "already gives (None, 10)", "remove this layer");
  EXPECT_THROW_WITH(layers::GlobalMaxPooling2D()(Input({8, 3})), "expected ndim=4, found ndim=3", "Hint:",
                    "GlobalMaxPooling1D");
  EXPECT_THROW_WITH(layers::GlobalMaxPooling2D(data_format = "channels_middle"),
                    "Received: data_format=channels_middle", "Hint:");
}

TEST(GlobalMaxPooling2D, ConfigAndRegistry) {
  layers::GlobalMaxPooling2D p(keepdims = true);
  Tensor x = random::normal({2, 5, 4, 3});
  EXPECT_EQ(layers::from_config("GlobalMaxPooling2D", p.impl()->config())(x).to_vector(), p(x).to_vector());
  EXPECT_EQ(layers::from_config("GlobalMaxPooling2D", p.impl()->config())(x).shape(), p(x).shape());
}
