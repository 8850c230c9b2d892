#include "keras/core/tensor.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "keras/core/errors.hpp"
#include "keras/random/random.hpp"
#include "support/gradient_check.hpp"

using namespace keras;

TEST(Tensor, ConstructionAndAccess) {
  Tensor t({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.ndim(), 2);
  EXPECT_EQ(t.size(), 6);
  EXPECT_EQ(t.at({1, 2}), 6.0f);
  EXPECT_EQ(t.at({-1, 0}), 4.0f);
  t.at({0, 0}) = 10;
  EXPECT_EQ(t.data()[0], 10.0f);
  EXPECT_EQ(t.dtype(), "float32");
  EXPECT_THROW_WITH(Tensor({1, 2, 3}, {2, 2}), "cannot reshape array of size 3 into shape (2, 2)");
  EXPECT_THROW_WITH(t.at({2, 0}), "index 2 is out of bounds for axis 0 with size 2");
}

TEST(Tensor, ReshapeWithOneMinusOne) {
  Tensor t = Tensor::arange(12);
  Tensor r = t.reshape({3, -1});
  EXPECT_EQ(r.shape(), (Shape{3, 4}));
  EXPECT_TRUE(r.shares_storage_with(t));
  EXPECT_EQ(t.reshape({2, 2, 3}).at({1, 1, 2}), 11.0f);
  EXPECT_THROW_WITH(t.reshape({5, -1}), "cannot reshape array of size 12 into shape (5, -1)", "Hint:");
  EXPECT_THROW_WITH(t.reshape({-1, -1}), "can only specify one unknown dimension");
  EXPECT_THROW_WITH(t.reshape({100, 32, 32, 1}), "cannot reshape array of size 12 into shape (100, 32, 32, 1)");
}

TEST(Tensor, BroadcastingArithmetic) {
  Tensor a({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b({10, 20, 30}, {3});
  Tensor c = a + b;
  EXPECT_EQ(c.shape(), (Shape{2, 3}));
  EXPECT_EQ(c.at({1, 2}), 36.0f);
  Tensor col({1, 2}, {2, 1});
  EXPECT_EQ((a * col).at({1, 0}), 8.0f);
  EXPECT_EQ((a / 2.0f).at({0, 1}), 1.0f);
  EXPECT_EQ((1.0f - a).at({0, 0}), 0.0f);
  EXPECT_EQ((-a).at({0, 0}), -1.0f);
  EXPECT_THROW_WITH(a + Tensor::zeros({2}), "operands could not be broadcast together with shapes (2, 3) (2,)");
  Tensor outer = Tensor({1, 2}, {2, 1}) + Tensor({10, 20, 30}, {1, 3});
  EXPECT_EQ(outer.shape(), (Shape{2, 3}));
  EXPECT_EQ(outer.at({1, 2}), 32.0f);
}

TEST(Tensor, SliceTakeAndIndex) {
  Tensor t = Tensor::arange(12).reshape({4, 3});
  Tensor s = t.slice(1, 3);
  EXPECT_EQ(s.shape(), (Shape{2, 3}));
  EXPECT_EQ(s.at({0, 0}), 3.0f);
  Tensor k = t.take({3, 0});
  EXPECT_EQ(k.at({0, 2}), 11.0f);
  EXPECT_EQ(k.at({1, 1}), 1.0f);
  EXPECT_EQ(t[2].shape(), (Shape{3}));
  EXPECT_EQ(t[-1].at({0}), 9.0f);
}

TEST(Tensor, AsType) {
  Tensor t({1.7f, -1.7f, 255.0f, 256.0f}, {4});
  Tensor i = t.astype("int32");
  EXPECT_EQ(i.dtype(), "int32");
  EXPECT_EQ(i.at({0}), 1.0f);
  EXPECT_EQ(i.at({1}), -1.0f);
  Tensor u = t.astype("uint8");
  EXPECT_EQ(u.at({3}), 0.0f);  // wraps as numpy does
  EXPECT_EQ(t.astype("float32").dtype(), "float32");
  EXPECT_THROW_WITH(t.astype("complex64"), "data type 'complex64' not understood");
}

TEST(Tensor, PrintsLikeNumpy) {
  std::ostringstream os;
  os << Tensor({1, 2, 3, 4}, {2, 2});
  EXPECT_EQ(os.str(), "array([[1, 2], [3, 4]], shape=(2, 2), dtype=float32)");
}

TEST(Random, SeedMakesEverythingReproducible) {
  utils::set_random_seed(42);
  Tensor a = random::normal({100});
  Tensor b = random::uniform({10});
  Tensor c = random::randint(0, 10, {50});
  utils::set_random_seed(42);
  EXPECT_EQ(max_abs_diff(a, random::normal({100})), 0.0f);
  EXPECT_EQ(max_abs_diff(b, random::uniform({10})), 0.0f);
  EXPECT_EQ(max_abs_diff(c, random::randint(0, 10, {50})), 0.0f);
  for (int64_t i = 0; i < c.size(); ++i) {
    EXPECT_GE(c.data()[i], 0.0f);
    EXPECT_LT(c.data()[i], 10.0f);
  }
  EXPECT_EQ(c.dtype(), "int64");
  for (int64_t i = 0; i < b.size(); ++i) {
    EXPECT_GE(b.data()[i], 0.0f);
    EXPECT_LT(b.data()[i], 1.0f);
  }
}
