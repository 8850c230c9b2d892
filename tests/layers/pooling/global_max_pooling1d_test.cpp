#include "keras/layers/pooling/global_max_pooling1d.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "keras/keras.hpp"
#include "layers/pooling/pooling_reference.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(GlobalMaxPooling1D, Shapes) {
  EXPECT_EQ(layers::GlobalMaxPooling1D()(Input({6, 3})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalMaxPooling1D(keepdims = true)(Input({6, 3})).shape(), (Shape{None, 1, 3}));
  EXPECT_EQ(layers::GlobalMaxPooling1D(data_format = "channels_first")(Input({3, 6})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalMaxPooling1D(data_format = "channels_first", keepdims = true)(Input({3, 6})).shape(),
            (Shape{None, 3, 1}));
  // None spatial sizes are pooled away.
  EXPECT_EQ(layers::GlobalMaxPooling1D()(Input({None, 3})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalMaxPool1D()(Tensor::zeros({2, 6, 3})).shape(), (Shape{2, 3}));
}

TEST(GlobalMaxPooling1D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(11);
  for (bool cf : {false, true}) {
    Tensor x = pooling_reference::distinct_values({2, 6, 3});
    Tensor y = layers::GlobalMaxPooling1D(data_format = cf ? "channels_first" : "channels_last")(x);
    Tensor expected = pooling_reference::global_max(x, cf);
    ASSERT_EQ(y.shape(), expected.shape());
    EXPECT_LT(max_abs_diff(y, expected), 1e-5f);
    Tensor kept = layers::GlobalMaxPooling1D(data_format = cf ? "channels_first" : "channels_last", keepdims = true)(x);
    EXPECT_EQ(kept.to_vector(), y.to_vector());
  }
}

TEST(GlobalMaxPooling1D, Gradients) {
  utils::set_random_seed(12);
  for (bool cf : {false, true}) {
    Tensor x = pooling_reference::distinct_values({2, 6, 3});
    layers::GlobalMaxPooling1D p(data_format = cf ? "channels_first" : "channels_last");
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
  }
  Sequential model({Input({6, 3}), layers::GlobalMaxPooling1D(), layers::Dense(2)});
  keras::test_support::expect_gradients_match(model, {pooling_reference::distinct_values({2, 6, 3})});
  // The gradient goes to the first maximum of each channel.
  layers::GlobalMaxPooling1D p;
  CallContext ctx;
  ctx.inputs = {Tensor({1, 3, 3, 2}, {1, 4, 1})};
  ctx.outputs = p.impl()->forward(ctx);
  EXPECT_EQ(p.impl()->backward(ctx, {Tensor({5}, {1, 1})}).at(0).to_vector(), (std::vector<float>{0, 5, 0, 0}));
}

TEST(GlobalMaxPooling1D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::GlobalMaxPooling1D()(Input({10})),
                    "Input 0 of layer \"global_max_pooling1d\" is incompatible with the layer: expected ndim=3, "
                    "found ndim=2",
                    "Hint: GlobalMaxPooling1D turns", "already gives (None, 10)", "remove this layer");
  EXPECT_THROW_WITH(layers::GlobalMaxPooling1D()(Input({8, 8, 3})), "expected ndim=3, found ndim=4", "Hint:",
                    "GlobalMaxPooling2D");
  EXPECT_THROW_WITH(layers::GlobalMaxPooling1D(data_format = "channels_middle"),
                    "Received: data_format=channels_middle", "Hint:");
}

TEST(GlobalMaxPooling1D, ConfigAndRegistry) {
  layers::GlobalMaxPooling1D p(keepdims = true);
  Tensor x = random::normal({2, 6, 3});
  EXPECT_EQ(layers::from_config("GlobalMaxPooling1D", p.impl()->config())(x).to_vector(), p(x).to_vector());
  EXPECT_EQ(layers::from_config("GlobalMaxPooling1D", p.impl()->config())(x).shape(), p(x).shape());
}
