#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Functional, SimpleChain) {
  auto inputs = Input(shape = {784});
  auto h = layers::Dense(64, activation = "relu")(inputs);
  auto outputs = layers::Dense(10)(h);
  Model model(inputs, outputs);
  EXPECT_EQ(model.output_shape(), (Shape{None, 10}));
  EXPECT_EQ(model.count_params(), 784 * 64 + 64 + 64 * 10 + 10);
  EXPECT_EQ(model.layers().size(), 3u);  // InputLayer included
  EXPECT_EQ(model.layers()[0].class_name(), "InputLayer");
  EXPECT_EQ(model.predict(Tensor::zeros({3, 784}), verbose = 0).shape(), (Shape{3, 10}));
}

TEST(Functional, WholeShapeCheckedAtTheModelInput) {
  utils::clear_session();
  auto inputs = Input({784});
  Model model(inputs, layers::Dense(10)(inputs));
  EXPECT_THROW_WITH(model(Tensor::zeros({32, 100})), "Input 0 of layer \"functional\" is incompatible with the layer: "
                    "expected shape=(None, 784), found shape=(32, 100)", "Hint:", "input_shape={100}");
}

TEST(Functional, SharedLayersAndSeveralInputsOutputs) {
  auto a = Input({4}, name = "a");
  auto b = Input({4}, name = "b");
  layers::Dense shared(3, activation = "tanh");
  auto ha = shared(a);
  auto hb = shared(b);
  auto out1 = layers::Dense(1)(ha);
  auto out2 = layers::Dense(2)(hb);
  Model model({a, b}, {out1, out2});
  Tensor xa = random::normal({5, 4}), xb = random::normal({5, 4});
  Prediction p = model.predict({xa, xb}, verbose = 0);
  ASSERT_EQ(p.num_outputs(), 2u);
  EXPECT_EQ(p[0].shape(), (Shape{5, 1}));
  EXPECT_EQ(p[1].shape(), (Shape{5, 2}));
  // By input name too.
  Prediction q = model.predict(std::map<std::string, Tensor>{{"b", xb}, {"a", xa}}, verbose = 0);
  EXPECT_EQ(max_abs_diff(q[1], p[1]), 0.0f);
  EXPECT_EQ(model.count_params(), 15 + 4 + 8);
  EXPECT_THROW_WITH(model.predict(xa), "expects 2 input(s), but it received 1 input tensors");
  EXPECT_THROW_WITH(model.predict({xa, Tensor::zeros({6, 4})}), "Data cardinality is ambiguous. Make sure all arrays "
                    "contain the same number of samples.'x' sizes: 5, 6");
  std::string s = model.summary_string();
  EXPECT_NE(s.find("Connected to"), std::string::npos) << s;
  EXPECT_NE(s.find("a[0][0]"), std::string::npos) << s;
  keras::test_support::expect_gradients_match(model, {xa, xb});
}

TEST(Functional, ModelsNestAsLayers) {
  auto in = Input({3});
  Model inner(in, layers::Dense(2, activation = "relu")(in));
  auto outer_in = Input({3});
  auto outer_out = layers::Dense(1)(inner(outer_in));
  Model outer(outer_in, outer_out);
  EXPECT_EQ(outer.predict(Tensor::ones({4, 3}), verbose = 0).shape(), (Shape{4, 1}));
  EXPECT_EQ(outer.count_params(), 8 + 3);
  keras::test_support::expect_gradients_match(outer, {random::normal({4, 3})});
}

TEST(Functional, GraphDisconnected) {
  auto a = Input({2});
  auto b = Input({2});
  auto out = layers::Dense(1)(b);
  EXPECT_THROW_WITH(Model(a, out), "Graph disconnected");
}
