#include "keras/layers/core/identity.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Identity, ReturnsItsInput) {
  Tensor x = random::normal({3, 4, 5});
  Tensor y = layers::Identity()(x);
  EXPECT_TRUE(y.shares_storage_with(x));
  EXPECT_EQ(y.to_vector(), x.to_vector());
  EXPECT_EQ(layers::Identity()(Tensor::scalar(2.0f)).item(), 2.0f);
  EXPECT_EQ(layers::Identity(name = "skip")(Input({None, 7})).shape(), (Shape{None, None, 7}));
  utils::clear_session();
  EXPECT_EQ(layers::Identity().name(), "identity");
}

TEST(Identity, InAModel) {
  Sequential model({Input({4}), layers::Dense(3), layers::Identity(), layers::Dense(2)});
  EXPECT_EQ(model.output_shape(), (Shape{None, 2}));
  keras::test_support::expect_gradients_match(model, {random::normal({5, 4})});
  layers::Identity id;
  Tensor x = random::normal({2, 3});
  id(x);
  keras::test_support::expect_gradients_match(id, {x});
}

TEST(Identity, ConfigAndRegistry) {
  layers::Identity id(name = "same");
  Layer copy = layers::from_config("Identity", id.impl()->config());
  EXPECT_EQ(copy.name(), "same");
  EXPECT_EQ(copy.class_name(), "Identity");
}
