#include "keras/layers/pooling/max_pooling1d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/pooling/pooling_reference.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(MaxPooling1D, Shapes) {
  EXPECT_EQ(layers::MaxPooling1D()(Input({10, 4})).shape(), (Shape{None, 5, 4}));
  EXPECT_EQ(layers::MaxPooling1D(3)(Input({10, 4})).shape(), (Shape{None, 3, 4}));
  EXPECT_EQ(layers::MaxPooling1D(3, strides = 2)(Input({10, 4})).shape(), (Shape{None, 4, 4}));
  EXPECT_EQ(layers::MaxPooling1D(3, strides = 2, padding = "same")(Input({10, 4})).shape(), (Shape{None, 5, 4}));
  EXPECT_EQ(layers::MaxPooling1D(2, padding = "same")(Input({7, 4})).shape(), (Shape{None, 4, 4}));
  EXPECT_EQ(layers::MaxPooling1D()(Input({None, 4})).shape(), (Shape{None, None, 4}));
  EXPECT_EQ(layers::MaxPool1D(data_format = "channels_first")(Input({4, 9})).shape(), (Shape{None, 4, 4}));
  EXPECT_EQ(layers::MaxPooling1D(4, strides = 3, padding = "same")(Tensor::zeros({2, 10, 3})).shape(),
            (Shape{2, 4, 3}));
}

TEST(MaxPooling1D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(3);
  for (bool cf : {false, true})
    for (auto [ps, st, same] : {std::tuple{2, 2, false}, std::tuple{3, 1, true}, std::tuple{3, 2, true},
                                       std::tuple{4, 3, false}, std::tuple{2, 3, true}}) {
      Tensor x = random::normal({3, 11, 5});
      layers::MaxPooling1D p(ps, strides = st, padding = same ? "same" : "valid",
                             data_format = cf ? "channels_first" : "channels_last");
      Tensor expected = pooling_reference::pool(x, 1, {ps}, {st}, same, cf, true);
      Tensor y = p(x);
      ASSERT_EQ(y.shape(), expected.shape());
      EXPECT_EQ(y.to_vector(), expected.to_vector());
    }
  // A hand-checked case: "same" pads the end when the padding is odd.
  Tensor x({1, 3, 2, 5, 4}, {1, 5, 1});
  EXPECT_EQ(layers::MaxPooling1D(2, strides = 2, padding = "same")(x).to_vector(), (std::vector<float>{3, 5, 4}));
}

TEST(MaxPooling1D, Gradients) {
  utils::set_random_seed(4);
  for (auto [ps, st, pd] : {std::tuple{2, 2, "valid"}, std::tuple{3, 1, "same"}, std::tuple{3, 2, "same"}}) {
    Tensor x = pooling_reference::distinct_values({2, 9, 3});
    layers::MaxPooling1D p(ps, strides = st, padding = pd);
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
    keras::test_support::expect_gradients_match(p, {x}, {.training = true});
  }
  Tensor x = pooling_reference::distinct_values({2, 3, 8});
  layers::MaxPooling1D p(2, data_format = "channels_first");
  p(x);
  keras::test_support::expect_gradients_match(p, {x});
}

TEST(MaxPooling1D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::MaxPooling1D()(Input({28, 28, 1})),
                    "Input 0 of layer \"max_pooling1d\" is incompatible with the layer: expected ndim=3, found ndim=4",
                    "Hint: MaxPooling1D needs (batch, steps, features)", "for images use MaxPooling2D");
  EXPECT_THROW_WITH(layers::MaxPooling1D()(Input({16})), "expected ndim=3, found ndim=2", "Hint:", "Reshape({16, 1})");
  EXPECT_THROW_WITH(layers::MaxPooling1D(4)(Input({3, 2})),
                    "Computed output size would be zero or negative. Received: `inputs.shape=[None 3 2]`, "
                    "`pool_size=[4]`, `strides=(4,)`, `padding=valid`.",
                    "Hint:", "steps (3)");
  EXPECT_THROW_WITH(layers::MaxPooling1D({2, 2}),
                    "The `pool_size` argument must be a tuple of 1 integers. Received pool_size=(2, 2)", "Hint:");
}

TEST(MaxPooling1D, ConfigAndRegistry) {
  layers::MaxPooling1D p(3, strides = 1, padding = "same");
  Tensor x = random::normal({2, 6, 3});
  EXPECT_EQ(layers::from_config("MaxPooling1D", p.impl()->config())(x).to_vector(), p(x).to_vector());
}
