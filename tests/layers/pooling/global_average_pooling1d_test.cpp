#include "keras/layers/pooling/global_average_pooling1d.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "keras/keras.hpp"
#include "layers/pooling/pooling_reference.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(GlobalAveragePooling1D, Shapes) {
  EXPECT_EQ(layers::GlobalAveragePooling1D()(Input({6, 3})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalAveragePooling1D(keepdims = true)(Input({6, 3})).shape(), (Shape{None, 1, 3}));
  EXPECT_EQ(layers::GlobalAveragePooling1D(data_format = "channels_first")(Input({3, 6})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalAveragePooling1D(data_format = "channels_first", keepdims = true)(Input({3, 6})).shape(),
            (Shape{None, 3, 1}));
  // None spatial sizes are pooled away.
  EXPECT_EQ(layers::GlobalAveragePooling1D()(Input({None, 3})).shape(), (Shape{None, 3}));
  EXPECT_EQ(layers::GlobalAvgPool1D()(Tensor::zeros({2, 6, 3})).shape(), (Shape{2, 3}));
}

TEST(GlobalAveragePooling1D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(11);
  for (bool cf : {false, true}) {
    Tensor x = random::normal({2, 6, 3});
    Tensor y = layers::GlobalAveragePooling1D(data_format = cf ? "channels_first" : "channels_last")(x);
    Tensor expected = pooling_reference::global_average(x, cf);
    ASSERT_EQ(y.shape(), expected.shape());
    EXPECT_LT(max_abs_diff(y, expected), 1e-5f);
    Tensor kept =
        layers::GlobalAveragePooling1D(data_format = cf ? "channels_first" : "channels_last", keepdims = true)(x);
    EXPECT_EQ(kept.to_vector(), y.to_vector());
  }
}

TEST(GlobalAveragePooling1D, Gradients) {
  utils::set_random_seed(12);
  for (bool cf : {false, true}) {
    Tensor x = random::normal({2, 6, 3});
    layers::GlobalAveragePooling1D p(data_format = cf ? "channels_first" : "channels_last");
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
  }
  Sequential model({Input({6, 3}), layers::Dense(4), layers::GlobalAveragePooling1D(), layers::Dense(2)});
  keras::test_support::expect_gradients_match(model, {random::normal({2, 6, 3})});
}

TEST(GlobalAveragePooling1D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::GlobalAveragePooling1D()(Input({10})),
                    "Input 0 of layer \"global_average_pooling1d\" is incompatible with the layer: expected ndim=3, "
                    "found ndim=2",
                    "Hint: GlobalAveragePooling1D turns", "already gives (None, 10)", "remove this layer");
  EXPECT_THROW_WITH(layers::GlobalAveragePooling1D()(Input({8, 8, 3})), "expected ndim=3, found ndim=4", "Hint:",
                    "GlobalAveragePooling2D");
  EXPECT_THROW_WITH(layers::GlobalAveragePooling1D(data_format = "channels_middle"),
                    "Received: data_format=channels_middle", "Hint:");
}

TEST(GlobalAveragePooling1D, ConfigAndRegistry) {
  layers::GlobalAveragePooling1D p(keepdims = true);
  Tensor x = random::normal({2, 6, 3});
  EXPECT_EQ(layers::from_config("GlobalAveragePooling1D", p.impl()->config())(x).to_vector(), p(x).to_vector());
  EXPECT_EQ(layers::from_config("GlobalAveragePooling1D", p.impl()->config())(x).shape(), p(x).shape());
}
