#include "keras/core/shape.hpp"
#include "keras/core/errors.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace keras;

TEST(Shape, PrintsLikePythonTuples) {
  EXPECT_EQ(to_string(Shape{None, 784}), "(None, 784)");
  EXPECT_EQ(to_string(Shape{64}), "(64,)");
  EXPECT_EQ(to_string(Shape{}), "()");
  EXPECT_EQ(to_string(Shape{None, 28, 28, 1}), "(None, 28, 28, 1)");
  std::ostringstream os;
  os << Shape{None};
  EXPECT_EQ(os.str(), "(None,)");
  EXPECT_EQ(to_string(std::vector<Shape>{{None, 3}, {None, 4}}), "[(None, 3), (None, 4)]");
}

TEST(Shape, EqualityAndNone) {
  EXPECT_EQ((Shape{None, 784}), (Shape{None, 784}));
  EXPECT_NE((Shape{None, 784}), (Shape{32, 784}));
  EXPECT_TRUE((Shape{None, 784}).compatible_with(Shape{32, 784}));
  EXPECT_FALSE((Shape{None, 784}).compatible_with(Shape{32, 100}));
  EXPECT_FALSE((Shape{None, 784}).compatible_with(Shape{32, 784, 1}));
  EXPECT_TRUE(Shape({None, 3})[0] == None);
  EXPECT_EQ(Shape({None, 3})[-1].value(), 3);
}

TEST(Shape, Helpers) {
  Shape s{None, 28, 28, 1};
  EXPECT_EQ(s.without_batch(), (Shape{28, 28, 1}));
  EXPECT_EQ((Shape{10}).with_batch(), (Shape{None, 10}));
  EXPECT_EQ(s.slice(1, -1), (Shape{28, 28}));
  EXPECT_FALSE(s.num_elements().has_value());
  EXPECT_EQ(*s.without_batch().num_elements(), 784);
  EXPECT_THROW(s.as_vector(), ValueError);
}
