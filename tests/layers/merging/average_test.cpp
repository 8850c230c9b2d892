#include "keras/layers/merging/average.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;
namespace km = keras::test_support::merging;

TEST(MergeAverage, ShapesAndValues) {
  EXPECT_EQ(layers::Average()({Input(shape = {3}), Input(shape = {3}), Input(shape = {1})}).shape(),
            (Shape{None, 3}));
  Tensor a({1, 2, 3, 4}, {2, 2});
  Tensor b({3, 4, 5, 6}, {2, 2});
  Tensor c({2, 0}, {2, 1});
  km::expect_all_near(layers::Average()({a, b}), Tensor({2, 3, 4, 5}, {2, 2}));
  km::expect_all_near(layers::Average()({a, b, c}), Tensor({2, 8.0f / 3, 8.0f / 3, 10.0f / 3}, {2, 2}));
}

TEST(MergeAverage, Gradients) {
  layers::Average avg;
  std::vector<Tensor> xs = {random::normal({3, 4}), random::normal({3, 4}), random::normal({3, 4})};
  avg(xs);
  kt::expect_gradients_match(avg, xs);
  auto g = km::input_grads(avg, xs, Tensor::ones({3, 4}));
  for (const Tensor& gi : g) km::expect_all_near(gi, Tensor::full({3, 4}, 1.0f / 3));
  layers::Average bc;
  std::vector<Tensor> ys = {random::normal({2, 3, 4}), random::normal({2, 1, 4}), random::normal({2, 4})};
  bc(ys);
  kt::expect_gradients_match(bc, ys);
}
