#include "keras/layers/merging/subtract.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;
namespace km = keras::test_support::merging;

TEST(MergeSubtract, ShapesAndValues) {
  EXPECT_EQ(layers::Subtract()({Input(shape = {16}), Input(shape = {1})}).shape(), (Shape{None, 16}));
  Tensor a({5, 7, 9, 11}, {2, 2});
  Tensor b({1, 2, 3, 4}, {2, 2});
  km::expect_all_near(layers::Subtract()({a, b}), Tensor({4, 5, 6, 7}, {2, 2}));
  km::expect_all_near(layers::Subtract()({b, a}), Tensor({-4, -5, -6, -7}, {2, 2}));
  // The second input broadcast: (2, 2) - (2, 1).
  km::expect_all_near(layers::Subtract()({a, Tensor({1, 10}, {2, 1})}), Tensor({4, 6, -1, 1}, {2, 2}));
  // The first input broadcast: (2, 1) - (2, 2).
  km::expect_all_near(layers::Subtract()({Tensor({1, 10}, {2, 1}), a}), Tensor({-4, -6, 1, -1}, {2, 2}));
}

TEST(MergeSubtract, ExactlyTwoInputs) {
  auto a = Input(shape = {3});
  EXPECT_THROW_WITH(layers::Subtract()({a, Input(shape = {3}), Input(shape = {3})}),
                    "A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape=[(None, 3), "
                    "(None, 3), (None, 3)]",
                    "Hint: Subtract computes inputs[0] - inputs[1]: call it on exactly two tensors");
  EXPECT_THROW_WITH(layers::Subtract()({Tensor::zeros({2, 3}), Tensor::zeros({2, 3}), Tensor::zeros({2, 3})}),
                    "A `Subtract` layer should be called on exactly 2 inputs.", "Hint:");
  // One tensor is the generic merge error, as Keras checks Merge.build first.
  EXPECT_THROW_WITH(layers::Subtract()(a), "A merge layer should be called on a list of inputs. Received: "
                                           "input_shape=(None, 3) (not a list of shapes)", "Hint:");
  // Incompatible shapes are reported before the count, as in Keras.
  EXPECT_THROW_WITH(layers::Subtract()({a, Input(shape = {4}), Input(shape = {3})}),
                    "Inputs have incompatible shapes. Received shapes (3,) and (4,)", "Hint:");
}

TEST(MergeSubtract, Gradients) {
  layers::Subtract sub;
  std::vector<Tensor> xs = {random::normal({3, 5}), random::normal({3, 5})};
  sub(xs);
  kt::expect_gradients_match(sub, xs);
  layers::Subtract bc;
  std::vector<Tensor> ys = {random::normal({2, 1, 5}), random::normal({2, 4, 1})};
  EXPECT_EQ(bc(ys).shape(), (Shape{2, 4, 5}));
  kt::expect_gradients_match(bc, ys);
  auto g = km::input_grads(bc, ys, Tensor::ones({2, 4, 5}));
  km::expect_all_near(g[0], Tensor::full({2, 1, 5}, 4.0f));
  km::expect_all_near(g[1], Tensor::full({2, 4, 1}, -5.0f));
}
