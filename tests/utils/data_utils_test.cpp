// keras::utils data helpers: to_categorical, normalize, split_dataset, train_test_split.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"
#include "keras/utils/data_utils.hpp"
#include "numpy/npy_test_util.hpp"

namespace {

using keras::None;
using keras::Tensor;
using keras::test_support::error_of;
namespace utils = keras::utils;

std::vector<float> flat_values(const Tensor& t) { return t.to_vector(); }

TEST(ToCategorical, OneHotRows) {
  Tensor y = utils::to_categorical(Tensor{0, 2, 1});
  EXPECT_EQ(y.dims(), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(flat_values(y), (std::vector<float>{1, 0, 0, 0, 0, 1, 0, 1, 0}));
  EXPECT_EQ(y.dtype(), "float32");
  // num_classes given; labels of shape (n, 1) lose their trailing axis as in Keras.
  Tensor z = utils::to_categorical(Tensor({3, 0}, {2, 1}).astype("uint8"), 5);
  EXPECT_EQ(z.dims(), (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(flat_values(z), (std::vector<float>{0, 0, 0, 1, 0, 1, 0, 0, 0, 0}));
  // Higher-rank labels keep their shape; a trailing size-1 axis of a 1-d array is kept (shape (1,)).
  EXPECT_EQ(utils::to_categorical(Tensor({0, 1, 1, 0}, {2, 2})).dims(), (std::vector<int64_t>{2, 2, 2}));
  EXPECT_EQ(utils::to_categorical(Tensor{1}).dims(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(utils::to_categorical(Tensor::scalar(2)).dims(), (std::vector<int64_t>{3}));
  // Non-integer labels truncate toward zero, as np.array(y, dtype="int64").
  EXPECT_EQ(flat_values(utils::to_categorical(Tensor{1.7f, 0.2f}, 2)), (std::vector<float>{0, 1, 1, 0}));
}

TEST(ToCategorical, KeywordForm) {
  using namespace keras::kw;
  Tensor y = utils::to_categorical(Tensor{1, 0}, num_classes = 4);
  EXPECT_EQ(flat_values(y), (std::vector<float>{0, 1, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(utils::to_categorical(Tensor{1, 0}, num_classes = None).dims(), (std::vector<int64_t>{2, 2}));
}

TEST(ToCategorical, BadLabels) {
  EXPECT_CONTAINS(error_of([] { utils::to_categorical(Tensor{0, 3}, 3); }),
                  "index 3 is out of bounds for axis 1 with size 3");
  EXPECT_CONTAINS(error_of([] { utils::to_categorical(Tensor{-1, 1}, 3); }), "index -1 is out of bounds");
  EXPECT_CONTAINS(error_of([] { utils::to_categorical(Tensor::zeros({0})); }), "zero-size array");
  EXPECT_CONTAINS(error_of([] { utils::to_categorical(Tensor{NAN}); }), "cannot convert label");
  EXPECT_CONTAINS(error_of([] { utils::to_categorical(Tensor{1}, -3); }), "num_classes must be positive");
}

TEST(Normalize, L2AlongTheLastAxis) {
  Tensor x({3, 4, 0, 0, 1, 0}, {3, 2});
  Tensor n = utils::normalize(x);
  EXPECT_TRUE(keras::allclose(n, Tensor({0.6f, 0.8f, 0, 0, 1, 0}, {3, 2})));  // the zero row stays zero
  EXPECT_EQ(n.dims(), x.dims());
}

TEST(Normalize, OtherAxesAndOrders) {
  Tensor x({3, 4, 0, -2}, {2, 2});
  // axis 0: columns (3, 0) and (4, -2).
  float c = std::sqrt(20.0f);
  EXPECT_TRUE(keras::allclose(utils::normalize(x, 0), Tensor({1, 4 / c, 0, -2 / c}, {2, 2})));
  // L1: rows divided by 7 and 2.
  EXPECT_TRUE(keras::allclose(utils::normalize(x, -1, 1), Tensor({3.0f / 7, 4.0f / 7, 0, -1}, {2, 2})));
  // L3.
  float r = std::cbrt(27.0f + 64.0f);
  EXPECT_TRUE(keras::allclose(utils::normalize(x, 1, 3), Tensor({3 / r, 4 / r, 0, -1}, {2, 2}), 1e-5f, 1e-6f));
  // A 3-d tensor along the middle axis.
  Tensor y({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
  Tensor ny = utils::normalize(y, 1);
  EXPECT_NEAR(ny.at({0, 0, 1}), 2 / std::sqrt(4.0f + 16.0f), 1e-6);
  EXPECT_NEAR(ny.at({1, 1, 0}), 7 / std::sqrt(25.0f + 49.0f), 1e-6);
  using namespace keras::kw;
  EXPECT_TRUE(keras::allclose(utils::normalize(x, axis = 0, order = 1), utils::normalize(x, 0, 1)));
  EXPECT_TRUE(keras::allclose(utils::normalize(x, order = 1), utils::normalize(x, -1, 1)));
  EXPECT_CONTAINS(error_of([&] { utils::normalize(x, 2); }), "axis 2 is out of bounds for array of dimension 2");
  EXPECT_CONTAINS(error_of([] { utils::normalize(Tensor::scalar(1)); }), "out of bounds");
}

TEST(SplitDataset, FractionsAndCounts) {
  Tensor x = Tensor::arange(10);
  auto [left, right] = utils::split_dataset(x, 0.8);
  EXPECT_EQ(flat_values(left), (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(flat_values(right), (std::vector<float>{8, 9}));
  auto [l2, r2] = utils::split_dataset(x, None, 3);  // an int is a number of samples
  EXPECT_EQ(l2.size(), 7);
  EXPECT_EQ(flat_values(r2), (std::vector<float>{7, 8, 9}));
  // Both given: the left takes the first, the right the last samples; the middle is dropped.
  auto [l3, r3] = utils::split_dataset(x, 0.5, 0.2);
  EXPECT_EQ(flat_values(l3), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(flat_values(r3), (std::vector<float>{8, 9}));
  // Python's round(): 0.5 * 5 = 2.5 rounds to 2.
  EXPECT_EQ(utils::split_dataset(Tensor::arange(5), 0.5).first.size(), 2);
  EXPECT_EQ(utils::split_dataset(Tensor::arange(7), 0.5).first.size(), 4);  // 3.5 -> 4
  // Rows of a 2-d array stay whole; the results are copies.
  Tensor m = Tensor::arange(12).reshape({4, 3});
  auto [lm, rm] = utils::split_dataset(m, 1);
  EXPECT_EQ(lm.dims(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(flat_values(rm[0]), (std::vector<float>{3, 4, 5}));
  EXPECT_FALSE(lm.shares_storage_with(m));
}

TEST(SplitDataset, SeveralArraysAndShuffling) {
  Tensor x = Tensor::arange(20);
  Tensor y = x * 10.0f;
  auto [left, right] = utils::split_dataset({x, y}, 0.75, None, true, 42);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].size(), 15);
  EXPECT_EQ(right[0].size(), 5);
  std::set<float> seen;
  for (const auto* part : {&left, &right})
    for (int64_t i = 0; i < (*part)[0].size(); ++i) {
      EXPECT_EQ((*part)[1].data()[i], 10.0f * (*part)[0].data()[i]);  // x and y rows stay aligned
      seen.insert((*part)[0].data()[i]);
    }
  EXPECT_EQ(seen.size(), 20u);  // a permutation: every sample once
  EXPECT_NE(flat_values(left[0]), flat_values(Tensor::arange(15)));
  // The same seed gives the same split; another seed another one.
  auto again = utils::split_dataset({x, y}, 0.75, None, true, 42);
  EXPECT_EQ(flat_values(again.first[0]), flat_values(left[0]));
  EXPECT_NE(flat_values(utils::split_dataset(x, 0.75, None, true, 7).first), flat_values(left[0]));
  // Keyword form.
  using namespace keras::kw;
  auto kw_split = utils::split_dataset(x, left_size = 0.75, shuffle = true, seed = 42);
  EXPECT_EQ(flat_values(kw_split.first), flat_values(left[0]));
  EXPECT_EQ(utils::split_dataset(x, right_size = 4).second.size(), 4);
}

TEST(SplitDataset, KerasErrors) {
  Tensor x = Tensor::arange(10);
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset(x); }), "At least one of the `left_size` or `right_size`");
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset(x, 1.5); }), "Received: left_size=1.5");
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset(x, 10); }), "positive integer smaller than 10");
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset(x, None, -0.5); }), "Received: right_size=-0.5");
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset(x, 0.7, 0.5); }), "is greater than 1");
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset(x, 6, 6); }), "should be smaller than the 10");
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset(x, 0, 0); }), "Both `left_size` and `right_size` are zero");
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset(x, 0.01); }), "Resulting left side dataset split will be empty");
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset({x, Tensor::arange(9)}, 0.5); }), "[10, 9]");
  EXPECT_CONTAINS(error_of([&] { utils::split_dataset(Tensor::scalar(1), 0.5); }), "scalar");
}

TEST(TrainTestSplit, SizesAndAlignment) {
  Tensor x = Tensor::arange(20).reshape({10, 2});
  Tensor y = Tensor::arange(10).astype("int64");
  auto [x_train, x_test, y_train, y_test] = utils::train_test_split(x, y, 0.25, false);
  EXPECT_EQ(x_train.dims(), (std::vector<int64_t>{7, 2}));  // ceil(0.25 * 10) = 3 test samples
  EXPECT_EQ(x_test.dims(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(flat_values(y_test), (std::vector<float>{7, 8, 9}));
  EXPECT_EQ(y_train.dtype(), "int64");

  auto [a_train, a_test, b_train, b_test] = utils::train_test_split(x, y, 4, true, 3);
  EXPECT_EQ(a_test.dim(0), 4);
  std::set<float> all;
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(a_train.at({i, 0}), 2 * b_train.data()[i]);
    all.insert(b_train.data()[i]);
  }
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(a_test.at({i, 1}), 2 * b_test.data()[i] + 1);
    all.insert(b_test.data()[i]);
  }
  EXPECT_EQ(all.size(), 10u);
  auto again = utils::train_test_split(x, y, 4, true, 3);
  EXPECT_EQ(flat_values(std::get<3>(again)), flat_values(b_test));
  // Without a seed the global generator shuffles; the split is still a partition.
  auto [r_train, r_test, ry_train, ry_test] = utils::train_test_split(x, y, 0.5);
  EXPECT_EQ(r_train.dim(0) + r_test.dim(0), 10);
}

TEST(TrainTestSplit, Errors) {
  Tensor x = Tensor::arange(10);
  EXPECT_CONTAINS(error_of([&] { utils::train_test_split(x, Tensor::arange(9), 0.2); }), "[10, 9]");
  EXPECT_CONTAINS(error_of([&] { utils::train_test_split(x, x, 1.5); }), "test_size=1.5");
  EXPECT_CONTAINS(error_of([&] { utils::train_test_split(x, x, 10); }), "smaller than the number of samples 10");
  EXPECT_CONTAINS(error_of([&] { utils::train_test_split(x, x, None); }), "test_size=None");
}

}  // namespace
