#include "keras/layers/reshaping/reshape.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Reshape, SymbolicShapes) {
  // Keras's docstring examples.
  auto x = Input({12});
  EXPECT_EQ(layers::Reshape({3, 4})(x).shape(), (Shape{None, 3, 4}));
  EXPECT_EQ(layers::Reshape({-1, 2, 2})(x).shape(), (Shape{None, 3, 2, 2}));
  EXPECT_EQ(layers::Reshape(target_shape = {-1, 6})(x).shape(), (Shape{None, 2, 6}));
  // A None in the input leaves -1 unresolved and skips the size check, as in Keras.
  EXPECT_EQ(layers::Reshape({-1, 2})(Input({None, 4})).shape(), (Shape{None, None, 2}));
  EXPECT_EQ(layers::Reshape({2, 3})(Input({None})).shape(), (Shape{None, 2, 3}));
  EXPECT_EQ(layers::Reshape({3, 4})(Input(batch_shape = {5, 12})).shape(), (Shape{5, 3, 4}));
  Sequential model({Input({784}), layers::Reshape({28, 28, 1})});
  EXPECT_EQ(model.output_shape(), (Shape{None, 28, 28, 1}));
}

TEST(Reshape, EagerIsAViewWithTheSameValues) {
  Tensor x = Tensor::arange(24).reshape({2, 12});
  Tensor y = layers::Reshape({3, 4})(x);
  EXPECT_EQ(y.shape(), (Shape{2, 3, 4}));
  EXPECT_TRUE(y.shares_storage_with(x));
  EXPECT_EQ(y.at({1, 2, 3}), 23.0f);
  EXPECT_EQ(y.to_vector(), x.to_vector());
  EXPECT_EQ(layers::Reshape({-1})(Tensor::zeros({5, 2, 3})).shape(), (Shape{5, 6}));
  EXPECT_EQ(layers::Reshape({3, -1})(Tensor::zeros({0, 3})).shape(), (Shape{0, 3, 1}));
}

TEST(Reshape, Gradients) {
  layers::Reshape r({-1, 3});
  Tensor x = random::normal({2, 4, 3, 2});
  EXPECT_EQ(r(x).shape(), (Shape{2, 8, 3}));
  keras::test_support::expect_gradients_match(r, {x});
}

TEST(Reshape, DenseOneThenReshapeFailsWhenTheModelIsDefined) {
  // Keras scenario h: the error comes at construction, with Keras 3's message and a hint.
  utils::clear_session();
  EXPECT_THROW_WITH((Sequential({Input({10}), layers::Dense(1), layers::Reshape({64})})),
                    "The total size of the tensor must be unchanged. Received: input_shape=(1,), target_shape=(64,)",
                    "\nHint: ", "\"dense\" (Dense) gives 1 value per sample", "RepeatVector(64)", "Dense(64)");
  EXPECT_THROW_WITH((Sequential({Input({10}), layers::Dense(1), layers::Reshape({-1, 64})})),
                    "The total size of the tensor must be unchanged, however, the input size cannot by divided by "
                    "the specified dimensions in target_shape. Received: input_shape=(1,), target_shape=(-1, 64)",
                    "\nHint: ", "RepeatVector(64)", "Dense(64)");
  // The functional API raises at the call that defines the graph.
  auto h = layers::Dense(1)(Input({10}));
  EXPECT_THROW_WITH(layers::Reshape({64})(h), "The total size of the tensor must be unchanged. Received: "
                    "input_shape=(1,), target_shape=(64,)", "Hint:", "RepeatVector(64)");
  // model.add raises too.
  Sequential model({Input({10}), layers::Dense(1)});
  EXPECT_THROW_WITH(model.add(layers::Reshape({8, 8})), "target_shape=(8, 8)", "RepeatVector(64)");
}

TEST(Reshape, SizeMismatchMessagesAndHints) {
  // Batch axis included by mistake.
  EXPECT_THROW_WITH(layers::Reshape({32, 28, 28})(Input({784})),
                    "The total size of the tensor must be unchanged. Received: input_shape=(784,), "
                    "target_shape=(32, 28, 28)",
                    "Hint: target_shape excludes the batch axis: drop the leading 32 and write Reshape({28, 28}).");
  EXPECT_THROW_WITH(layers::Reshape({10, 10})(Input({28, 28})),
                    "Received: input_shape=(28, 28), target_shape=(10, 10)", "Hint:", "784 values per sample");
  EXPECT_THROW_WITH(layers::Reshape({-1, 5})(Input({12})),
                    "the input size cannot by divided by the specified dimensions in target_shape. Received: "
                    "input_shape=(12,), target_shape=(-1, 5)",
                    "Hint:", "does not divide 12");
  EXPECT_THROW_WITH(layers::Reshape({0, -1})(Input({12})), "cannot by divided", "target_shape=(0, -1)");
  // Eager: the per-sample shape excludes the data's first axis.
  EXPECT_THROW_WITH(layers::Reshape({4})(Tensor::zeros({2, 3})),
                    "The total size of the tensor must be unchanged. Received: input_shape=(3,), target_shape=(4,)",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Reshape({28, 28})(Tensor::zeros({784})), "input_shape=(), target_shape=(28, 28)",
                    "Hint: the first axis of the input is the batch axis");
  // Built on a None dimension, then called on data that does not fit.
  layers::Reshape r({-1, 5});
  r(Input({None}));
  EXPECT_EQ(r(Tensor::zeros({2, 10})).shape(), (Shape{2, 2, 5}));
  EXPECT_THROW_WITH(r(Tensor::zeros({2, 7})), "cannot by divided", "input_shape=(7,), target_shape=(-1, 5)");
}

TEST(Reshape, ConstructionErrors) {
  EXPECT_THROW_WITH(layers::Reshape({-1, -1}),
                    "The `target_shape` argument must not contain more than one `-1` value. Received: "
                    "target_shape=(-1, -1)",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Reshape(target_shape = {-1, 2, -1}), "more than one `-1` value",
                    "target_shape=(-1, 2, -1)");
  EXPECT_THROW_WITH(layers::Reshape({-2, 3}),
                    "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single unknown "
                    "dimension. Received: target_shape=(-2, 3).",
                    "Hint:");
  EXPECT_THROW_WITH(layers::Reshape(kw::Kwargs{}),
                    "Reshape.__init__() missing 1 required positional argument: 'target_shape'", "Hint:");
}

TEST(Reshape, ConfigAndRegistry) {
  layers::Reshape r({-1, 64}, name = "to_seq");
  EXPECT_EQ(r.name(), "to_seq");
  EXPECT_EQ(*r.impl()->config().get<std::vector<int64_t>>("target_shape"), (std::vector<int64_t>{-1, 64}));
  Layer copy = layers::from_config("Reshape", r.impl()->config());
  EXPECT_EQ(copy(Tensor::zeros({2, 128})).shape(), (Shape{2, 2, 64}));
}
