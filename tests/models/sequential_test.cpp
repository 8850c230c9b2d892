#include "keras/models/sequential.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Sequential, BuiltAtOnceWithInputShape) {
  Sequential model({layers::Dense(10, input_dim = 5), layers::Dense(1)});
  EXPECT_TRUE(model.built());
  EXPECT_EQ(model.count_params(), 71);
  EXPECT_EQ(model.output_shape(), (Shape{None, 1}));
  EXPECT_EQ(model.input_shape(), (Shape{None, 5}));
  EXPECT_EQ(model.layers().size(), 2u);
}

TEST(Sequential, DeferredBuildOnFirstCall) {
  Sequential model({layers::Dense(10), layers::Dense(1)});
  EXPECT_FALSE(model.built());
  EXPECT_THROW_WITH(model.count_params(), "isn't built");
  std::string unbuilt = model.summary_string();
  EXPECT_NE(unbuilt.find("0 (unbuilt)"), std::string::npos) << unbuilt;
  EXPECT_NE(unbuilt.find("?"), std::string::npos) << unbuilt;
  Tensor y = model(random::normal({100, 5}));
  EXPECT_EQ(y.shape(), (Shape{100, 1}));
  EXPECT_TRUE(model.built());
  EXPECT_EQ(model.count_params(), 71);
  EXPECT_EQ(model.input_shape(), (Shape{None, 5}));
}

TEST(Sequential, InputFirstAndAdd) {
  Sequential model;
  model.add(Input({10}));
  model.add(layers::Dense(1));
  model.add(layers::Dense(64));
  EXPECT_EQ(model.output_shape(), (Shape{None, 64}));
  EXPECT_EQ(model.count_params(), 139);
  model.pop();
  EXPECT_EQ(model.output_shape(), (Shape{None, 1}));
  EXPECT_EQ(model.count_params(), 11);
}

TEST(Sequential, ShapeMistakeSurfacesWhenAdded) {
  Sequential model({Input({4}), layers::Dense(3)});
  layers::Dense reused(2);
  reused(Tensor::zeros({1, 7}));  // built for 7 features
  EXPECT_THROW_WITH(model.add(reused), "expected axis -1 of input shape to have value 7, but received input with "
                    "shape (None, 3)", "Hint:", "previous layer \"dense");
  EXPECT_EQ(model.layers().size(), 1u);  // the rejected layer was not added
}

TEST(Sequential, RankAdjustment) {
  // Keras 3 squeezes a trailing 1 or adds one when the ranks differ by one.
  Sequential model({Input({3, 1}), layers::Dense(2)});
  EXPECT_EQ(model(Tensor::zeros({4, 3})).shape(), (Shape{4, 3, 2}));
  Sequential flat({Input({3}), layers::Dense(2)});
  EXPECT_EQ(flat(Tensor::zeros({4, 3, 1})).shape(), (Shape{4, 2}));
}

TEST(Sequential, PredictInBatchesEqualsOneCall) {
  utils::set_random_seed(3);
  Sequential model({layers::Dense(8, activation = "relu", input_shape = {6}), layers::Dense(3, activation = "softmax")});
  Tensor x = random::normal({70, 6});
  Tensor all = model(x);
  Tensor batched = model.predict(x, batch_size = 16, verbose = 0);
  EXPECT_LT(max_abs_diff(all, batched), 1e-6f);
  EXPECT_THROW_WITH(model.predict(x, batch_size = 0), "batch_size");
}

TEST(Sequential, DuplicateNamesRejected) {
  layers::Dense d(3, input_shape = {2});
  Sequential model({d});
  EXPECT_THROW_WITH(model.add(d), "All layers added to a Sequential model should have unique names");
}

TEST(Sequential, GetLayerAndNames) {
  utils::clear_session();
  Sequential model({layers::Dense(4, input_shape = {2}), layers::Dense(1)});
  EXPECT_EQ(model.name(), "sequential");
  EXPECT_EQ(model.get_layer("dense_1").class_name(), "Dense");
  EXPECT_EQ(model.get_layer(0).name(), "dense");
  EXPECT_THROW_WITH(model.get_layer("nope"), "No such layer: nope. Existing layers are: ['dense', 'dense_1'].");
}

TEST(Sequential, GradientsThroughTheModel) {
  utils::set_random_seed(5);
  Sequential model({layers::Dense(4, activation = "tanh", input_shape = {3}), layers::Dense(2, activation = "sigmoid")});
  keras::test_support::expect_gradients_match(model, {random::normal({5, 3})});
}
