#include "keras/layers/merging/concatenate.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;
namespace km = keras::test_support::merging;

TEST(Concatenate, SymbolicShapes) {
  auto a = Input(shape = {3});
  auto b = Input(shape = {4});
  EXPECT_EQ(layers::Concatenate()({a, b}).shape(), (Shape{None, 7}));
  EXPECT_EQ(layers::Concatenate(-1)({a, b, a}).shape(), (Shape{None, 10}));
  auto p = Input(shape = {2, 5});
  auto q = Input(shape = {3, 5});
  EXPECT_EQ(layers::Concatenate(axis = 1)({p, q}).shape(), (Shape{None, 5, 5}));
  EXPECT_EQ(layers::Concatenate(axis = -2)({p, q}).shape(), (Shape{None, 5, 5}));
  EXPECT_EQ(layers::Concatenate(1, name = "joined")({p, q}).producer_name(), "joined");
  // None on the axis makes the sum None; None elsewhere matches anything.
  EXPECT_EQ(layers::Concatenate(axis = 1)({Input(shape = {None, 5}), q}).shape(), (Shape{None, None, 5}));
  EXPECT_EQ(layers::Concatenate()({Input(shape = {None, 4}), Input(shape = {6, 2})}).shape(), (Shape{None, None, 6}));
  // The batch axis can be joined too.
  EXPECT_EQ(layers::Concatenate(axis = 0)({Input(shape = {3}, batch_size = 2), Input(shape = {3}, batch_size = 5)})
                .shape(),
            (Shape{7, 3}));
}

TEST(Concatenate, EagerValues) {
  // keras.layers.Concatenate(axis=1)([np.arange(20).reshape(2, 2, 5), np.arange(20, 30).reshape(2, 1, 5)])
  Tensor x = Tensor::arange(20).reshape({2, 2, 5});
  Tensor y = (Tensor::arange(10) + 20.0f).reshape({2, 1, 5});
  Tensor z = layers::Concatenate(axis = 1)({x, y});
  ASSERT_EQ(z.shape(), (Shape{2, 3, 5}));
  std::vector<float> want = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  20, 21, 22, 23, 24,
                             10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 25, 26, 27, 28, 29};
  EXPECT_EQ(z.to_vector(), want);
  // Last axis, three inputs.
  Tensor a({1, 2, 3, 4}, {2, 2});
  Tensor b({5, 6}, {2, 1});
  EXPECT_EQ(layers::Concatenate()({a, b, a}).to_vector(), (std::vector<float>{1, 2, 5, 1, 2, 3, 4, 6, 3, 4}));
  // Batch axis.
  EXPECT_EQ(layers::Concatenate(0)({a, Tensor({7, 8}, {1, 2})}).to_vector(), (std::vector<float>{1, 2, 3, 4, 7, 8}));
}

TEST(Concatenate, Errors) {
  auto a = Input(shape = {3});
  EXPECT_THROW_WITH(layers::Concatenate()(a),
                    "A `Concatenate` layer should be called on a list of at least 1 input. Received: "
                    "input_shape=(None, 3)",
                    "Hint: Concatenate joins several tensors: call it on a list of them, e.g. "
                    "layers::Concatenate()({a, b})");
  EXPECT_THROW_WITH(layers::Concatenate()(std::vector<KerasTensor>{}),
                    "A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=[]",
                    "Hint:");
  // Another axis differs: the hint offers concatenating along it.
  EXPECT_THROW_WITH(layers::Concatenate()({Input(shape = {3, 4}), Input(shape = {5, 4})}),
                    "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
                    "Received: input_shape=[(None, 3, 4), (None, 5, 4)]",
                    "Hint: Concatenate(axis=-1) stacks its inputs along axis 2", "input 0 has shape (None, 3, 4) "
                    "and input 1 has shape (None, 5, 4)", "layers::Concatenate(axis=1)");
  // The last axis differs when joining along axis 1: project with Dense.
  auto in = Input(shape = {8});
  auto left = layers::Reshape({2, 4})(layers::Dense(8, name = "proj_left")(in));
  auto right = layers::Reshape({1, 3})(layers::Dense(3, name = "proj_right")(in));
  EXPECT_THROW_WITH(layers::Concatenate(axis = 1)({left, right}),
                    "matching shapes except for the concatenation axis. Received: input_shape=[(None, 2, 4), "
                    "(None, 1, 3)]",
                    "Hint: Concatenate(axis=1) stacks its inputs along axis 1", "from layer \"reshape",
                    "Project a branch so that the last axes match, e.g. layers::Dense(4) on input 1's branch");
  // Different ranks.
  EXPECT_THROW_WITH(layers::Concatenate()({Input(shape = {3}), Input(shape = {2, 3})}),
                    "Received: input_shape=[(None, 3), (None, 2, 3)]", "Hint: Concatenate joins tensors of the same "
                    "rank", "layers::Flatten()");
  // Several axes differ.
  EXPECT_THROW_WITH(layers::Concatenate(axis = 1)({Tensor::zeros({2, 3, 4, 5}), Tensor::zeros({2, 3, 6, 7})}),
                    "Received: input_shape=[(2, 3, 4, 5), (2, 3, 6, 7)]", "Axes 2, 3 differ");
  // Different batch sizes are a mismatch on axis 0.
  EXPECT_THROW_WITH(layers::Concatenate()({Tensor::zeros({2, 3}), Tensor::zeros({4, 3})}),
                    "Received: input_shape=[(2, 3), (4, 3)]", "Hint:");
  // Axis out of range.
  EXPECT_THROW_WITH(layers::Concatenate(axis = 2)({a, Input(shape = {4})}),
                    "axis 2 is out of bounds for array of dimension 2",
                    "Hint: the inputs have rank 2 (None, 3) (the batch axis counts as axis 0), so Concatenate's axis "
                    "must be between -2 and 1");
  EXPECT_THROW_WITH(layers::Concatenate(-3)({Tensor::zeros({2, 3}), Tensor::zeros({2, 3})}),
                    "axis -3 is out of bounds for array of dimension 2", "Hint:");
  // Checked on every eager call.
  layers::Concatenate cat;
  cat({Tensor::zeros({2, 3}), Tensor::zeros({2, 1})});
  EXPECT_THROW_WITH(cat({Tensor::zeros({2, 3}), Tensor::zeros({3, 1})}), "Received: input_shape=[(2, 3), (3, 1)]");
}

TEST(Concatenate, Gradients) {
  for (int axis : {0, 1, 2, -1}) {
    layers::Concatenate cat(axis);
    std::vector<int64_t> d0{2, 3, 4}, d1{2, 3, 4}, d2{2, 3, 4};
    size_t a = static_cast<size_t>(axis < 0 ? axis + 3 : axis);
    d0[a] = 4;
    d1[a] = 1;
    d2[a] = 5;
    std::vector<Tensor> xs = {random::normal(d0), random::normal(d1), random::normal(d2)};
    Tensor y = cat(xs);
    EXPECT_EQ(y.dims()[a], 10);
    kt::expect_gradients_match(cat, xs);
  }
}

TEST(Concatenate, GradientIsSplitBack) {
  layers::Concatenate cat(axis = 1);
  Tensor a = Tensor::zeros({2, 2});
  Tensor b = Tensor::zeros({2, 1});
  cat({a, b});
  auto g = km::input_grads(cat, {a, b}, Tensor({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_EQ(g[0].to_vector(), (std::vector<float>{1, 2, 4, 5}));
  EXPECT_EQ(g[1].to_vector(), (std::vector<float>{3, 6}));
}

TEST(Concatenate, ConfigAndRegistry) {
  layers::Concatenate plain;
  EXPECT_EQ(plain.impl()->config().get<int>("axis"), -1);
  Layer fromcfg = layers::from_config("Concatenate", layers::Concatenate(axis = 1).impl()->config());
  EXPECT_EQ(fromcfg.impl()->config().get<int>("axis"), 1);
  EXPECT_EQ(fromcfg(std::vector<KerasTensor>{Input(shape = {2, 5}), Input(shape = {3, 5})}).shape(),
            (Shape{None, 5, 5}));
}

TEST(ConcatenateModel, TwoInputsConcatenatedThenDense) {
  auto in_a = Input(shape = {3});
  auto in_b = Input(shape = {2});
  auto merged = layers::Concatenate()({in_a, in_b});
  EXPECT_EQ(merged.shape(), (Shape{None, 5}));
  layers::Dense head(2);
  auto out = head(merged);
  Model model({in_a, in_b}, {out});
  EXPECT_EQ(model.count_params(), 12);
  // kernel (5, 2): column 0 sums x_a, column 1 is 10 * x_b[0] - x_b[1]; bias (0.5, -1).
  head.set_weights({Tensor({1, 0, 1, 0, 1, 0, 0, 10, 0, -1}, {5, 2}), Tensor({0.5f, -1.0f}, {2})});
  Tensor x_a({1, 2, 3, -1, 0, 4}, {2, 3});
  Tensor x_b({2, 5, 0.5f, 7}, {2, 2});
  Tensor y = model.predict({x_a, x_b}, verbose = 0);
  // row 0: [1+2+3+0.5, 10*2-5-1] = [6.5, 14]; row 1: [-1+0+4+0.5, 10*0.5-7-1] = [3.5, -3]
  km::expect_all_near(y, Tensor({6.5f, 14, 3.5f, -3}, {2, 2}));
  // Data of the wrong width for one branch is caught before any computation.
  EXPECT_THROW(model.predict({x_a, Tensor::zeros({2, 3})}, verbose = 0), ValueError);
}

TEST(ConcatenateModel, TrainsThroughTheMerge) {
  // Gradients flow through Concatenate to both branches of a model.
  auto in_a = Input(shape = {3});
  auto in_b = Input(shape = {2});
  auto ha = layers::Dense(4, activation = "tanh")(in_a);
  auto hb = layers::Dense(4, activation = "tanh")(in_b);
  auto out = layers::Dense(1)(layers::Concatenate()({ha, hb}));
  Model model({in_a, in_b}, {out});
  std::vector<Tensor> xs = {random::normal({4, 3}), random::normal({4, 2})};
  model(std::vector<Tensor>{xs[0], xs[1]});
  kt::expect_gradients_match(model, xs, {.training = true});  // a model keeps per-node contexts in training
}

TEST(Concatenate, LargeInputsMatchAnElementLoop) {
  // Large enough for the parallel copy.
  Tensor a = random::normal({400, 300});
  Tensor b = random::normal({400, 100});
  layers::Concatenate cat;
  Tensor y = cat({a, b});
  ASSERT_EQ(y.shape(), (Shape{400, 400}));
  for (int64_t i : {0, 1, 199, 399})
    for (int64_t j : {0, 150, 299, 300, 350, 399})
      EXPECT_EQ(y.at({i, j}), j < 300 ? a.at({i, j}) : b.at({i, j - 300}));
  auto g = km::input_grads(cat, {a, b}, y);
  EXPECT_EQ(g[0].to_vector(), a.to_vector());
  EXPECT_EQ(g[1].to_vector(), b.to_vector());
}
