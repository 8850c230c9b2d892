#include "keras/layers/pooling/average_pooling1d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/pooling/pooling_reference.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(AveragePooling1D, Shapes) {
  EXPECT_EQ(layers::AveragePooling1D()(Input({10, 4})).shape(), (Shape{None, 5, 4}));
  EXPECT_EQ(layers::AveragePooling1D(3, strides = 2, padding = "same")(Input({10, 4})).shape(), (Shape{None, 5, 4}));
  EXPECT_EQ(layers::AvgPool1D(4, strides = 1)(Input({None, 2})).shape(), (Shape{None, None, 2}));
  EXPECT_EQ(layers::AveragePooling1D(2, data_format = "channels_first")(Tensor::zeros({2, 3, 8})).shape(),
            (Shape{2, 3, 4}));
}

TEST(AveragePooling1D, Values) {
  Tensor x({1, 2, 3}, {1, 3, 1});
  EXPECT_EQ(layers::AveragePooling1D(2, strides = 2, padding = "same")(x).to_vector(),
            (std::vector<float>{1.5f, 3.0f}));
  EXPECT_EQ(layers::AveragePooling1D(2, strides = 1)(x).to_vector(), (std::vector<float>{1.5f, 2.5f}));
  utils::set_random_seed(7);
  for (bool cf : {false, true})
    for (auto [ps, st, same] : {std::tuple{2, 2, false}, std::tuple{3, 1, true}, std::tuple{4, 3, true}}) {
      Tensor x2 = random::normal({2, 10, 3});
      Tensor expected = pooling_reference::pool(x2, 1, {ps}, {st}, same, cf, false);
      Tensor y = layers::AveragePooling1D(ps, strides = st, padding = same ? "same" : "valid",
                                          data_format = cf ? "channels_first" : "channels_last")(x2);
      ASSERT_EQ(y.shape(), expected.shape());
      EXPECT_LT(max_abs_diff(y, expected), 1e-6f);
    }
}

TEST(AveragePooling1D, Gradients) {
  utils::set_random_seed(8);
  for (auto [ps, st, pd] : {std::tuple{2, 2, "valid"}, std::tuple{3, 1, "same"}, std::tuple{2, 3, "same"}}) {
    Tensor x = random::normal({2, 8, 3});
    layers::AveragePooling1D p(ps, strides = st, padding = pd);
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
  }
}

TEST(AveragePooling1D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::AveragePooling1D()(Input({8, 8, 3})), "expected ndim=3, found ndim=4",
                    "Hint: AveragePooling1D needs (batch, steps, features)", "AveragePooling2D");
  EXPECT_THROW_WITH(layers::AveragePooling1D(3)(Tensor::zeros({1, 2, 1})),
                    "`inputs.shape=[1 2 1]`, `pool_size=[3]`, `strides=(3,)`, `padding=valid`", "Hint:");
  EXPECT_THROW_WITH(layers::AveragePooling1D(0), "Received pool_size=0, including values {0}", "Hint:");
}

TEST(AveragePooling1D, ConfigAndRegistry) {
  layers::AveragePooling1D p(3, strides = 2, padding = "same");
  Tensor x = random::normal({2, 7, 3});
  EXPECT_EQ(layers::from_config("AveragePooling1D", p.impl()->config())(x).to_vector(), p(x).to_vector());
}
