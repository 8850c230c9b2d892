#include "keras/layers/merging/minimum.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;
namespace km = keras::test_support::merging;

TEST(MergeMinimum, ShapesAndValues) {
  EXPECT_EQ(layers::Minimum()({Input(shape = {7}), Input(shape = {5, 7})}).shape(), (Shape{None, 5, 7}));
  Tensor a({1, 5, -3, 4}, {2, 2});
  Tensor b({2, 4, -4, 8}, {2, 2});
  Tensor c({0, 6}, {2, 1});
  km::expect_all_near(layers::Minimum()({a, b}), Tensor({1, 4, -4, 4}, {2, 2}));
  km::expect_all_near(layers::Minimum()({a, b, c}), Tensor({0, 0, -4, 4}, {2, 2}));
}

TEST(MergeMinimum, Gradients) {
  layers::Minimum mn;
  std::vector<Tensor> xs = {km::grid_values({3, 4}, 0.0f), km::grid_values({3, 4}, 0.03f)};
  mn(xs);
  kt::expect_gradients_match(mn, xs);
  layers::Minimum bc;
  std::vector<Tensor> ys = {km::grid_values({2, 3, 1}, 0.0f), km::grid_values({2, 1, 4}, 0.03f),
                            km::grid_values({2, 3, 4}, 0.06f)};
  EXPECT_EQ(bc(ys).shape(), (Shape{2, 3, 4}));
  kt::expect_gradients_match(bc, ys);
}

TEST(MergeMinimum, GradientGoesToTheWinnerAndTiesToTheFirst) {
  layers::Minimum mn;
  Tensor a({1, 5, 3}, {1, 3});
  Tensor b({2, 5, 2}, {1, 3});
  mn({a, b});
  auto g = km::input_grads(mn, {a, b}, Tensor({10, 20, 30}, {1, 3}));
  km::expect_all_near(g[0], Tensor({10, 20, 0}, {1, 3}));  // the tie at 5 goes to input 0
  km::expect_all_near(g[1], Tensor({0, 0, 30}, {1, 3}));
}
