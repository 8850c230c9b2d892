// Keras's functional merge forms: layers::add({a, b}) and the others build the layer and call it on the list.
#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
namespace km = keras::test_support::merging;

TEST(MergeFunctions, EagerTensorsGiveTheLayersResults) {
  Tensor a({1, 5, 3, 8}, {2, 2}), b({4, 2, 6, 7}, {2, 2});
  km::expect_all_near(layers::add({a, b}), layers::Add()({a, b}));
  km::expect_all_near(layers::subtract({a, b}), layers::Subtract()({a, b}));
  km::expect_all_near(layers::multiply({a, b}), layers::Multiply()({a, b}));
  km::expect_all_near(layers::average({a, b}), layers::Average()({a, b}));
  km::expect_all_near(layers::maximum({a, b}), Tensor({4, 5, 6, 8}, {2, 2}));
  km::expect_all_near(layers::minimum({a, b}), Tensor({1, 2, 3, 7}, {2, 2}));
  EXPECT_EQ(layers::concatenate({a, b}).shape(), (Shape{2, 4}));
  EXPECT_EQ(layers::concatenate({a, b}, 0).shape(), (Shape{4, 2}));
  EXPECT_EQ(layers::concatenate({a, b}, axis = 0).shape(), (Shape{4, 2}));
  km::expect_all_near(layers::dot({a, b}, 1), Tensor({1 * 4 + 5 * 2, 3 * 6 + 8 * 7}, {2, 1}));
  km::expect_all_near(layers::dot({a, b}), layers::dot({a, b}, -1));  // Keras's default axes=-1
}

TEST(MergeFunctions, SymbolicTensorsBuildAModel) {
  auto x = Input(shape = {3}), y = Input(shape = {3});
  auto s = layers::add({x, y}, name = "sum");
  auto c = layers::concatenate({s, layers::subtract({x, y}), layers::multiply({x, y}), layers::average({x, y}),
                                layers::maximum({x, y}), layers::minimum({x, y})},
                               axis = -1);
  auto d = layers::dot({c, c}, axes = 1);
  Model model({x, y}, {c, d});
  EXPECT_EQ(c.shape(), (Shape{None, 18}));
  EXPECT_EQ(d.shape(), (Shape{None, 1}));
  EXPECT_EQ(model.get_layer("sum").class_name(), "Add");
  Prediction p = model.predict(std::vector<Tensor>{Tensor({1, 2, 3}, {1, 3}), Tensor({3, 2, 1}, {1, 3})},
                               verbose = 0);
  km::expect_all_near(p.outputs()[0].slice(0, 1).reshape({18}),
                      Tensor({4, 4, 4, -2, 0, 2, 3, 4, 3, 2, 2, 2, 3, 2, 3, 1, 2, 1}, {18}));
  // The errors are the layers' own.
  EXPECT_THROW_WITH(layers::subtract({x, y, x}), "A `Subtract` layer should be called on exactly 2 inputs.", "Hint:");
  EXPECT_THROW_WITH(layers::add({x, Input(shape = {4})}), "Inputs have incompatible shapes.", "Hint:");
}
