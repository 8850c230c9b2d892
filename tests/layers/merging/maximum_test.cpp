#include "keras/layers/merging/maximum.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;
namespace km = keras::test_support::merging;

TEST(MergeMaximum, ShapesAndValues) {
  EXPECT_EQ(layers::Maximum()({Input(shape = {5, 1}), Input(shape = {5, 7})}).shape(), (Shape{None, 5, 7}));
  Tensor a({1, 5, -3, 4}, {2, 2});
  Tensor b({2, 4, -4, 8}, {2, 2});
  Tensor c({0, 6}, {2, 1});
  km::expect_all_near(layers::Maximum()({a, b}), Tensor({2, 5, -3, 8}, {2, 2}));
  km::expect_all_near(layers::Maximum()({a, b, c}), Tensor({2, 5, 6, 8}, {2, 2}));
}

TEST(MergeMaximum, Gradients) {
  layers::Maximum mx;
  std::vector<Tensor> xs = {km::grid_values({3, 4}, 0.0f), km::grid_values({3, 4}, 0.03f),
                            km::grid_values({3, 4}, 0.06f)};
  mx(xs);
  kt::expect_gradients_match(mx, xs);
  layers::Maximum bc;
  std::vector<Tensor> ys = {km::grid_values({2, 3, 4}, 0.0f), km::grid_values({2, 1, 4}, 0.03f),
                            km::grid_values({2, 4}, 0.06f)};
  bc(ys);
  kt::expect_gradients_match(bc, ys);
}

TEST(MergeMaximum, GradientGoesToTheWinnerAndTiesToTheFirst) {
  layers::Maximum mx;
  Tensor a({1, 5, 3}, {1, 3});
  Tensor b({2, 5, 3}, {1, 3});
  Tensor c({0, 5, 4}, {1, 3});
  mx({a, b, c});
  auto g = km::input_grads(mx, {a, b, c}, Tensor({10, 20, 30}, {1, 3}));
  km::expect_all_near(g[0], Tensor({0, 20, 0}, {1, 3}));  // the three-way tie at 5 goes to input 0
  km::expect_all_near(g[1], Tensor({10, 0, 0}, {1, 3}));
  km::expect_all_near(g[2], Tensor({0, 0, 30}, {1, 3}));
  // A broadcast winner collects the gradient of every element it wins.
  layers::Maximum bc;
  Tensor x({1, 7, 2, 3}, {1, 4});
  Tensor floor_({2.5f}, {1, 1});
  bc({x, floor_});
  auto h = km::input_grads(bc, {x, floor_}, Tensor::ones({1, 4}));
  km::expect_all_near(h[0], Tensor({0, 1, 0, 1}, {1, 4}));
  km::expect_all_near(h[1], Tensor({2}, {1, 1}));
}
