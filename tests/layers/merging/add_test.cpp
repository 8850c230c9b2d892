#include "keras/layers/merging/add.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;
namespace km = keras::test_support::merging;

TEST(MergeAdd, ShapesSymbolicAndEager) {
  layers::Add add(name = "sum");
  EXPECT_EQ(add.name(), "sum");
  EXPECT_EQ(add({Input(shape = {4, 3}), Input(shape = {4, 1}), Input(shape = {3})}).shape(), (Shape{None, 4, 3}));
  EXPECT_EQ(layers::Add()({Tensor::zeros({5, 4, 3}), Tensor::zeros({5, 4, 1})}).shape(), (Shape{5, 4, 3}));
}

TEST(MergeAdd, Values) {
  Tensor a({1, 2, 3, 4}, {2, 2});
  Tensor b({10, 20, 30, 40}, {2, 2});
  Tensor c({100, 200}, {2, 1});
  km::expect_all_near(layers::Add()({a, b}), Tensor({11, 22, 33, 44}, {2, 2}));
  km::expect_all_near(layers::Add()({a, b, c}), Tensor({111, 122, 233, 244}, {2, 2}));
  // Broadcast on the first non-batch axis: (2, 1, 2) + (2, 3, 2).
  Tensor p = random::normal({2, 1, 2});
  Tensor q = random::normal({2, 3, 2});
  km::expect_all_near(layers::Add()({p, q}), p + q);
}

TEST(MergeAdd, Gradients) {
  layers::Add add;
  std::vector<Tensor> same = {random::normal({3, 4}), random::normal({3, 4})};
  add(same);
  kt::expect_gradients_match(add, same);
  // Broadcasting along middle and last axes, and a lower-rank input.
  layers::Add bc;
  std::vector<Tensor> xs = {random::normal({2, 3, 4}), random::normal({2, 1, 4}), random::normal({2, 3, 1}),
                            random::normal({2, 4})};
  EXPECT_EQ(bc(xs).shape(), (Shape{2, 3, 4}));
  kt::expect_gradients_match(bc, xs);
}

TEST(MergeAdd, BroadcastGradientIsSummed) {
  layers::Add add;
  Tensor a = Tensor::zeros({2, 3});
  Tensor b = Tensor::zeros({2, 1});
  add({a, b});
  auto g = km::input_grads(add, {a, b}, Tensor({1, 2, 3, 4, 5, 6}, {2, 3}));
  km::expect_all_near(g[0], Tensor({1, 2, 3, 4, 5, 6}, {2, 3}));
  km::expect_all_near(g[1], Tensor({6, 15}, {2, 1}));
}
