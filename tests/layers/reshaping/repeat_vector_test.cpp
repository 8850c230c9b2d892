#include "keras/layers/reshaping/repeat_vector.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(RepeatVector, Shapes) {
  EXPECT_EQ(layers::RepeatVector(3)(Input({32})).shape(), (Shape{None, 3, 32}));
  EXPECT_EQ(layers::RepeatVector(n = 5)(Input(batch_shape = {4, 2})).shape(), (Shape{4, 5, 2}));
  EXPECT_EQ(layers::RepeatVector(7)(Tensor::zeros({2, 3})).shape(), (Shape{2, 7, 3}));
  EXPECT_EQ(layers::RepeatVector(0)(Tensor::zeros({2, 3})).shape(), (Shape{2, 0, 3}));
}

TEST(RepeatVector, DenseOneThenRepeatVector) {
  // Keras scenario i: RepeatVector is the way to turn one value per sample into a sequence.
  Sequential model({Input({10}), layers::Dense(1), layers::RepeatVector(64)});
  EXPECT_EQ(model.output_shape(), (Shape{None, 64, 1}));
  EXPECT_EQ(model(random::normal({3, 10})).shape(), (Shape{3, 64, 1}));
}

TEST(RepeatVector, Values) {
  Tensor x({1, 2, 3, 4}, {2, 2});
  Tensor y = layers::RepeatVector(3)(x);
  EXPECT_EQ(y.to_vector(), (std::vector<float>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
}

TEST(RepeatVector, Gradients) {
  layers::RepeatVector r(4);
  Tensor x = random::normal({3, 5});
  r(x);
  keras::test_support::expect_gradients_match(r, {x});
  // The gradient of each input value is the sum over its copies.
  CallContext ctx;
  ctx.inputs = {x};
  ctx.outputs = r.impl()->forward(ctx);
  Tensor dx = r.impl()->backward(ctx, {Tensor::ones({3, 4, 5})}).at(0);
  EXPECT_EQ(dx.to_vector(), std::vector<float>(15, 4.0f));
}

TEST(RepeatVector, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::RepeatVector(3)(Input({10, 5})),
                    "Input 0 of layer \"repeat_vector\" is incompatible with the layer: expected ndim=2, found ndim=3. "
                    "Full shape received: (None, 10, 5)",
                    "Hint:", "Flatten()");
  EXPECT_THROW_WITH(layers::RepeatVector(3)(Tensor::zeros({6})), "expected ndim=2, found ndim=1. Full shape received: "
                    "(6,)", "Hint:", "x.reshape({1, 6})");
  EXPECT_THROW_WITH((Sequential({Input({4, 2}), layers::Dense(3), layers::RepeatVector(2)})),
                    "expected ndim=2, found ndim=3", "the previous layer \"dense");
  EXPECT_THROW_WITH(layers::RepeatVector(-1), "Received: n=-1", "Hint:");
  EXPECT_THROW_WITH(layers::RepeatVector(kw::Kwargs{}),
                    "RepeatVector.__init__() missing 1 required positional argument: 'n'", "Hint:");
}

TEST(RepeatVector, ConfigAndRegistry) {
  layers::RepeatVector r(6);
  EXPECT_EQ(*r.impl()->config().get<int>("n"), 6);
  EXPECT_EQ(layers::from_config("RepeatVector", r.impl()->config())(Tensor::zeros({1, 2})).shape(), (Shape{1, 6, 2}));
}
