#include "keras/layers/merging/multiply.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;
namespace km = keras::test_support::merging;

TEST(MergeMultiply, ShapesAndValues) {
  EXPECT_EQ(layers::Multiply()({Input(shape = {2, 8}), Input(shape = {8})}).shape(), (Shape{None, 2, 8}));
  Tensor a({1, 2, 3, 4}, {2, 2});
  Tensor b({2, 3, 4, 5}, {2, 2});
  Tensor c({-1, 10}, {2, 1});
  km::expect_all_near(layers::Multiply()({a, b}), Tensor({2, 6, 12, 20}, {2, 2}));
  km::expect_all_near(layers::Multiply()({a, b, c}), Tensor({-2, -6, 120, 200}, {2, 2}));
  // A gate: (b, 4, 3) * (b, 1, 3).
  Tensor x = random::normal({2, 4, 3});
  Tensor gate = random::uniform({2, 1, 3});
  km::expect_all_near(layers::Multiply()({x, gate}), x * gate);
}

TEST(MergeMultiply, Gradients) {
  layers::Multiply mul;
  std::vector<Tensor> xs = {random::normal({3, 4}), random::normal({3, 4}), random::normal({3, 4})};
  mul(xs);
  kt::expect_gradients_match(mul, xs);
  layers::Multiply bc;
  std::vector<Tensor> ys = {random::normal({2, 3, 4}), random::normal({2, 1, 4}), random::normal({2, 3, 1})};
  bc(ys);
  kt::expect_gradients_match(bc, ys);
  // Lower-rank input: (2, 4) against (2, 3, 4).
  layers::Multiply lr;
  std::vector<Tensor> zs = {random::normal({2, 4}), random::normal({2, 3, 4})};
  EXPECT_EQ(lr(zs).shape(), (Shape{2, 3, 4}));
  kt::expect_gradients_match(lr, zs);
}

TEST(MergeMultiply, GradientWithZerosIsExact) {
  layers::Multiply mul;
  Tensor a({0, 2}, {1, 2});
  Tensor b({3, 0}, {1, 2});
  mul({a, b});
  auto g = km::input_grads(mul, {a, b}, Tensor::ones({1, 2}));
  km::expect_all_near(g[0], Tensor({3, 0}, {1, 2}));
  km::expect_all_near(g[1], Tensor({0, 2}, {1, 2}));
}
