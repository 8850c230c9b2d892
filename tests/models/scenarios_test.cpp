// The shape mistakes Keras users hit, and what Keras 3 does with each (issue #2, section 7).
#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Scenarios, S1_DenseInputShapeVersusData) {
  utils::clear_session();
  Sequential model({layers::Dense(128, input_shape = {784})});
  EXPECT_THROW_WITH(model(Tensor::zeros({64, 100})),
                    "Input 0 of layer \"dense\" is incompatible with the layer: expected axis -1 of input shape to "
                    "have value 784, but received input with shape (64, 100)",
                    "Hint:", "input_shape={100}");
  EXPECT_THROW_WITH(model.predict(Tensor::zeros({64, 100})), "expected axis -1 of input shape to have value 784");
}

TEST(Scenarios, S2_FlattenModelFedFlatData) {
  Sequential model({layers::Flatten(input_shape = {28, 28, 1}), layers::Dense(128, activation = "relu"),
                    layers::Dense(10, activation = "softmax")});
  EXPECT_THROW_WITH(model(Tensor::zeros({64, 100})), "Expected shape (None, 28, 28, 1), but input has incompatible "
                    "shape (64, 100)", "Hint:");
  // The right number of values per sample in the wrong shape: the hint says how to reshape.
  EXPECT_THROW_WITH(model.predict(Tensor::zeros({64, 784})), "(None, 28, 28, 1)", "(64, 784)",
                    "x.reshape({64, 28, 28, 1})");
}

TEST(Scenarios, S3_DenseOnRankOne) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Dense(10)(Tensor::zeros({64})),
                    "Input 0 of layer \"dense\" is incompatible with the layer: expected min_ndim=2, found ndim=1. "
                    "Full shape received: (64,)", "Hint:");
}

TEST(Scenarios, S4_DenseBuiltOnceKeepsKernel) {
  layers::Dense d(10);
  EXPECT_EQ(d(Tensor::zeros({1, 64})).shape(), (Shape{1, 10}));
  EXPECT_EQ(d(Tensor::zeros({32, 64})).shape(), (Shape{32, 10}));
  EXPECT_EQ(d.get_weights()[0].shape(), (Shape{64, 10}));
}

TEST(Scenarios, S5_DenseOnRankThree) {
  layers::Dense d(16, input_shape = {5});
  EXPECT_EQ(d(Tensor::zeros({32, 10, 5})).shape(), (Shape{32, 10, 16}));
}

TEST(Scenarios, S6_FlattenThenDense) {
  Tensor x = Tensor::zeros({32, 10, 5});
  Tensor f = layers::Flatten()(x);
  EXPECT_EQ(f.shape(), (Shape{32, 50}));
  EXPECT_EQ(layers::Dense(16)(f).shape(), (Shape{32, 16}));
}

TEST(Scenarios, S7_DenseOneThenDense64Works) {
  Sequential model({Input({10}), layers::Dense(1), layers::Dense(64)});
  EXPECT_EQ(model.output_shape(), (Shape{None, 64}));
  EXPECT_EQ(model.count_params(), 139);
}

TEST(Scenarios, S8_ReshapeCannotGrowOneElement) {
  EXPECT_THROW_WITH((Sequential({Input({10}), layers::Dense(1), layers::Reshape({64})})),
                    "The total size of the tensor must be unchanged. Received: input_shape=(1,), target_shape=(64,)",
                    "Hint:", "RepeatVector");
}

TEST(Scenarios, S9_RepeatVector) {
  Sequential model({Input({10}), layers::Dense(1), layers::RepeatVector(64)});
  EXPECT_EQ(model.output_shape(), (Shape{None, 64, 1}));
}

TEST(Scenarios, S10_InputDimBuildsAtOnce) {
  Sequential model({layers::Dense(10, input_dim = 5), layers::Dense(1)});
  EXPECT_TRUE(model.built());
  EXPECT_EQ(model.count_params(), 71);
  EXPECT_EQ(model.output_shape(), (Shape{None, 1}));
}

TEST(Scenarios, S11_NoInputShapeIsDeferred) {
  utils::clear_session();
  Sequential model({layers::Dense(10), layers::Dense(1)});
  EXPECT_FALSE(model.built());
  std::string s = model.summary_string();
  EXPECT_NE(s.find("dense (Dense)"), std::string::npos) << s;
  EXPECT_NE(s.find("0 (unbuilt)"), std::string::npos) << s;
  model.predict(Tensor::zeros({3, 5}), verbose = 0);
  EXPECT_TRUE(model.built());
  EXPECT_EQ(model.count_params(), 71);
}

TEST(Scenarios, SummaryOfTheFashionMnistMlp) {
  utils::clear_session();
  Sequential model({layers::Flatten(input_shape = {28, 28, 1}), layers::Dense(128, activation = "relu"),
                    layers::Dense(10, activation = "softmax")});
  const std::string expected =
      "Model: \"sequential\"\n"
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
      "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"
      "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
      "│ flatten (Flatten)               │ (None, 784)            │             0 │\n"
      "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
      "│ dense (Dense)                   │ (None, 128)            │       100,480 │\n"
      "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
      "│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │\n"
      "└─────────────────────────────────┴────────────────────────┴───────────────┘\n"
      " Total params: 101,770 (397.54 KB)\n"
      " Trainable params: 101,770 (397.54 KB)\n"
      " Non-trainable params: 0 (0.00 B)\n";
  EXPECT_EQ(model.summary_string(), expected);
}
