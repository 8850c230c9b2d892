// The shape rule and the errors every elementwise merge layer shares (Keras 3's base_merge.py).
#include "keras/layers/merging/base_merge.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace km = keras::test_support::merging;
using keras::layers::MergeImpl;

TEST(MergeShapes, ElementwiseOutputShapeFollowsKeras) {
  auto s = [](const Shape& a, const Shape& b) { return MergeImpl::elementwise_output_shape(a, b); };
  EXPECT_EQ(s({3}, {3}), (Shape{3}));
  EXPECT_EQ(s({4, 1}, {3}), (Shape{4, 3}));
  EXPECT_EQ(s({3}, {4, 1}), (Shape{4, 3}));  // the longer one leads whatever the order
  EXPECT_EQ(s({1, 5}, {4, 1}), (Shape{4, 5}));
  EXPECT_EQ(s({None, 3}, {5, 3}), (Shape{None, 3}));
  EXPECT_EQ(s({1}, {None}), (Shape{None}));  // None wins over 1, as in Keras
  EXPECT_EQ(s({}, {2, 5}), (Shape{2, 5}));
  EXPECT_FALSE(s({2, 3}, {4, 3}).has_value());
  EXPECT_FALSE(s({3}, {4}).has_value());
}

TEST(MergeShapes, LowerRankInputsAreAlignedAfterTheBatchAxis) {
  EXPECT_EQ(MergeImpl::expand_rank({8, 3}, 3), (std::vector<int64_t>{8, 1, 3}));
  EXPECT_EQ(MergeImpl::expand_rank({8}, 3), (std::vector<int64_t>{8, 1, 1}));
  EXPECT_EQ(MergeImpl::expand_rank({8, 4, 3}, 3), (std::vector<int64_t>{8, 4, 3}));
  EXPECT_EQ(MergeImpl::expand_rank({}, 2), (std::vector<int64_t>{1, 1}));
}

TEST(MergeShapes, SymbolicOutputShapes) {
  auto a = Input(shape = {3});
  auto b = Input(shape = {4, 3});
  EXPECT_EQ(layers::Add()({a, b}).shape(), (Shape{None, 4, 3}));
  EXPECT_EQ(layers::Multiply()({Input(shape = {4, 1}), Input(shape = {4, 5})}).shape(), (Shape{None, 4, 5}));
  EXPECT_EQ(layers::Maximum()({Input(shape = {None, 3}), Input(shape = {5, 3})}).shape(), (Shape{None, None, 3}));
  // A known batch size is kept.
  auto c = Input(shape = {3}, batch_size = 8);
  EXPECT_EQ(layers::Average()({c, Input(shape = {3})}).shape(), (Shape{8, 3}));
  layers::Minimum m;
  auto y = m({Input(shape = {2, 1}), Input(shape = {2, 6}), Input(shape = {6})});
  EXPECT_EQ(y.shape(), (Shape{None, 2, 6}));
  EXPECT_EQ(m.output_shape(), (Shape{None, 2, 6}));
  EXPECT_EQ(m.count_params(), 0);
}

TEST(MergeShapes, EagerCallReturnsOneTensor) {
  Tensor ta({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor tb({10, 20}, {2, 1});
  Tensor y = layers::Add()({ta, tb});  // a merge layer on data returns its one output, as in Keras
  km::expect_all_near(y, Tensor({11, 12, 13, 24, 25, 26}, {2, 3}));
  // The generic Layer handle still gives the list of outputs.
  layers::Add add;
  Layer as_layer = add;
  std::vector<Tensor> outs = as_layer({ta, tb});
  ASSERT_EQ(outs.size(), 1u);
  km::expect_all_near(outs[0], y);
}

TEST(MergeShapes, EagerLowerRankInputBroadcastsAlongTheMiddleAxes) {
  // (2, 3) against (2, 4, 3): read as (2, 1, 3), as Keras's Merge.call does with expand_dims(x, 1).
  Tensor big = random::normal({2, 4, 3});
  Tensor small = random::normal({2, 3});
  Tensor y = layers::Add()({big, small});
  EXPECT_EQ(y.shape(), (Shape{2, 4, 3}));
  km::expect_all_near(y, big + small.reshape({2, 1, 3}));
  // Order does not matter.
  km::expect_all_near(layers::Add()({small, big}), y);
}

TEST(MergeErrors, CalledOnOneTensor) {
  auto a = Input(shape = {3});
  EXPECT_THROW_WITH(layers::Add()(a),
                    "A merge layer should be called on a list of inputs. Received: input_shape=(None, 3) (not a list "
                    "of shapes)",
                    "\nHint: Add combines several tensors elementwise: call it on a list of them, e.g. "
                    "layers::Add()({a, b})");
  EXPECT_THROW_WITH(layers::Multiply()(Tensor::zeros({2, 5})),
                    "A merge layer should be called on a list of inputs. Received: input_shape=(2, 5) (not a list of "
                    "shapes)",
                    "Hint: Multiply combines");
  EXPECT_THROW_WITH(layers::Average()(std::vector<KerasTensor>{}),
                    "A merge layer should be called on a list of at least 1 input. Received 0 inputs. Full "
                    "input_shape received: []",
                    "Hint: pass the tensors to merge: layers::Average()({a, b}).");
}

TEST(MergeErrors, IncompatibleShapes) {
  EXPECT_THROW_WITH(layers::Add()({Input(shape = {3}), Input(shape = {4})}),
                    "Inputs have incompatible shapes. Received shapes (3,) and (4,)",
                    "Hint: Add combines its inputs elementwise", "input 1 has shape (None, 4), with 4 on axis -1 "
                    "where input 0 has 3", "layers::Dense(3) on input 1's branch", "layers::Concatenate()");
  // The longer shape is printed first, as Keras swaps them.
  EXPECT_THROW_WITH(layers::Multiply()({Input(shape = {5}), Input(shape = {4, 3})}),
                    "Inputs have incompatible shapes. Received shapes (4, 3) and (5,)", "Hint:");
  // A clash on an inner axis suggests Reshape or Concatenate along it.
  EXPECT_THROW_WITH(layers::Maximum()({Input(shape = {2, 3}), Input(shape = {5, 3})}),
                    "Inputs have incompatible shapes. Received shapes (2, 3) and (5, 3)",
                    "on axis -2", "layers::Concatenate(axis=-2)");
  // With three inputs the message shows the shape merged so far, and the hint names the layer behind the input.
  auto in = Input(shape = {8});
  auto d1 = layers::Dense(3, name = "left")(in);
  auto d2 = layers::Dense(1, name = "middle")(in);
  auto d3 = layers::Dense(4, name = "right")(in);
  EXPECT_THROW_WITH(layers::Average()({d1, d2, d3}), "Inputs have incompatible shapes. Received shapes (3,) and (4,)",
                    "input 2 (from layer \"right\") has shape (None, 4)", "where the inputs before it have 3",
                    "layers::Dense(3) on input 2's branch");
}

TEST(MergeErrors, DifferentBatchSizes) {
  EXPECT_THROW_WITH(layers::Add()({Tensor::zeros({2, 3}), Tensor::zeros({4, 3})}),
                    "Cannot merge tensors with different batch sizes. Received tensors with shapes [(2, 3), (4, 3)]",
                    "Hint: input 1 holds 4 samples but input 0 holds 2", "same number of rows");
}

TEST(MergeErrors, CheckedOnEveryCallNotOnlyTheFirst) {
  layers::Subtract sub;
  Tensor y = sub({Tensor::ones({2, 3}), Tensor::ones({2, 3})});
  EXPECT_EQ(y.shape(), (Shape{2, 3}));
  EXPECT_THROW_WITH(sub({Tensor::ones({2, 3}), Tensor::ones({2, 4})}),
                    "Inputs have incompatible shapes. Received shapes (3,) and (4,)", "Hint:");
  EXPECT_THROW_WITH(sub({Input(shape = {3}), Input(shape = {5})}), "Received shapes (3,) and (5,)", "Hint:");
}

TEST(MergeErrors, RegisteredByClassName) {
  for (const char* name : {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"}) {
    ASSERT_TRUE(layers::is_registered(name)) << name;
    Layer l = layers::from_config(name, {});
    EXPECT_EQ(l.class_name(), name);
  }
}

TEST(MergeModel, TwoBranchesAddedThenDense) {
  auto in_a = Input(shape = {2});
  auto in_b = Input(shape = {2});
  auto sum = layers::Add()({in_a, in_b});
  layers::Dense head(1, use_bias = false);
  auto out = head(sum);
  Model model({in_a, in_b}, {out});
  head.set_weights({Tensor({1, -2}, {2, 1})});
  Tensor xa({1, 2, 3, 4}, {2, 2});
  Tensor xb({10, 20, 30, 40}, {2, 2});
  Tensor y = model.predict({xa, xb}, verbose = 0);
  // (1+10)*1 + (2+20)*-2 = -33; (3+30) - 2*(4+40) = -55
  km::expect_all_near(y, Tensor({-33, -55}, {2, 1}));
}
