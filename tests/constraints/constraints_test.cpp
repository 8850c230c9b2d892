#include "keras/constraints/constraints.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

// Keras 3's formula, written out per column of a (rows, cols) matrix with axis=0.
std::vector<float> column_norms(const Tensor& w) {
  const int64_t rows = w.dims()[0], cols = w.dims()[1];
  std::vector<float> out(static_cast<size_t>(cols));
  for (int64_t j = 0; j < cols; ++j) {
    double s = 0;
    for (int64_t i = 0; i < rows; ++i) s += std::pow(w.data()[i * cols + j], 2);
    out[static_cast<size_t>(j)] = static_cast<float>(std::sqrt(s));
  }
  return out;
}

Tensor matrix(std::vector<float> values, int64_t rows, int64_t cols) {
  return Tensor(std::move(values), {rows, cols});
}

}  // namespace

TEST(Constraints, MaxNormScalesOnlyTheColumnsAboveTheBound) {
  // Columns of norm 5 (3, 4) and 0.5 (0.3, 0.4): the first is brought to 2, the second stays.
  Tensor w = matrix({3.0f, 0.3f, 4.0f, 0.4f}, 2, 2);
  Tensor c = constraints::MaxNorm(2.0)(w);
  EXPECT_EQ(w.to_vector(), (std::vector<float>{3.0f, 0.3f, 4.0f, 0.4f}));  // the call returns a copy
  const float big = 2.0f / (1e-7f + 5.0f), small = 0.5f / (1e-7f + 0.5f);
  EXPECT_FLOAT_EQ(c.data()[0], 3.0f * big);
  EXPECT_FLOAT_EQ(c.data()[2], 4.0f * big);
  EXPECT_FLOAT_EQ(c.data()[1], 0.3f * small);
  EXPECT_FLOAT_EQ(c.data()[3], 0.4f * small);
  EXPECT_NEAR(column_norms(c)[0], 2.0f, 1e-6);
}

TEST(Constraints, AxisOneNormsTheRows) {
  Tensor w = matrix({3.0f, 4.0f, 0.0f, 1.0f}, 2, 2);
  Tensor c = constraints::MaxNorm(max_value = 1.0, axis = 1)(w);
  EXPECT_NEAR(c.data()[0], 0.6f, 1e-6);
  EXPECT_NEAR(c.data()[1], 0.8f, 1e-6);
  EXPECT_NEAR(c.data()[3], 1.0f, 1e-6);
  Tensor neg = constraints::MaxNorm(1.0, -1)(w);
  EXPECT_EQ(neg.to_vector(), c.to_vector());
}

TEST(Constraints, AxisListNormsEachFilterOfAConvolutionKernel) {
  // A Conv2D kernel (kh, kw, in, out): axis {0, 1, 2} gives one norm per output filter.
  Tensor w = random::normal({3, 3, 2, 4}, 0.0f, 2.0f);
  Tensor c = constraints::MaxNorm(1.5, {0, 1, 2})(w);
  EXPECT_EQ(constraints::MaxNorm(max_value = 1.5, axis = {0, 1, 2})(w).to_vector(), c.to_vector());
  for (int f = 0; f < 4; ++f) {
    double before = 0, after = 0;
    for (int64_t i = f; i < w.size(); i += 4) {
      before += std::pow(w.data()[i], 2);
      after += std::pow(c.data()[i], 2);
    }
    const double want = std::min(std::sqrt(before), 1.5);
    EXPECT_NEAR(std::sqrt(after), want, 1e-5) << "filter " << f;
  }
}

TEST(Constraints, AMiddleAxisNormsEachPairOfTheOthers) {
  // (2, 3, 4) over axis 1: one norm per (i, k), neither a leading nor a trailing run of axes.
  Tensor w = random::normal({2, 3, 4});
  Tensor c = constraints::UnitNorm(1)(w);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t k = 0; k < 4; ++k) {
      double ss = 0;
      for (int64_t j = 0; j < 3; ++j) ss += std::pow(w.at({i, j, k}), 2);
      for (int64_t j = 0; j < 3; ++j)
        EXPECT_NEAR(c.at({i, j, k}), w.at({i, j, k}) / (1e-7 + std::sqrt(ss)), 1e-6) << i << " " << j << " " << k;
    }
}

TEST(Constraints, MinMaxNormMovesNormsIntoTheRangeAtTheRate) {
  Tensor w = matrix({3.0f, 0.03f, 4.0f, 0.04f}, 2, 2);  // column norms 5 and 0.05
  Tensor strict = constraints::MinMaxNorm(0.5, 1.0)(w);
  const auto n = column_norms(strict);
  EXPECT_NEAR(n[0], 1.0f, 1e-6);
  EXPECT_NEAR(n[1], 0.5f, 1e-5);
  // rate 0.5: halfway, (0.5 * 1 + 0.5 * 5) = 3 and (0.5 * 0.5 + 0.5 * 0.05) = 0.275.
  const auto half = column_norms(constraints::MinMaxNorm(min_value = 0.5, max_value = 1.0, rate = 0.5)(w));
  EXPECT_NEAR(half[0], 3.0f, 1e-5);
  EXPECT_NEAR(half[1], 0.275f, 1e-5);
}

TEST(Constraints, UnitNormAndNonNeg) {
  Tensor w = matrix({3.0f, -1.0f, 4.0f, 0.0f}, 2, 2);
  const auto n = column_norms(constraints::UnitNorm()(w));
  EXPECT_NEAR(n[0], 1.0f, 1e-6);
  EXPECT_NEAR(n[1], 1.0f, 1e-6);
  EXPECT_EQ(constraints::NonNeg()(w).to_vector(), (std::vector<float>{3.0f, 0.0f, 4.0f, 0.0f}));
}

TEST(Constraints, ConfigsAreKeras) {
  auto c = constraints::MaxNorm(3.0, {0, 1, 2}).get_config();
  EXPECT_EQ(c.get<double>("max_value"), 3.0);
  EXPECT_EQ(c.get<IntTuple>("axis")->values, (std::vector<int64_t>{0, 1, 2}));
  auto d = constraints::MinMaxNorm(0.1).get_config();
  EXPECT_EQ(d.get<double>("min_value"), 0.1);
  EXPECT_EQ(d.get<double>("max_value"), 1.0);
  EXPECT_EQ(d.get<double>("rate"), 1.0);
  EXPECT_EQ(d.get<int>("axis"), 0);
  EXPECT_EQ(constraints::UnitNorm(axis = 1).get_config().get<int>("axis"), 1);
  EXPECT_TRUE(constraints::NonNeg().get_config().keys().empty());
}

TEST(Constraints, GetTakesKerasNames) {
  for (const char* n : {"max_norm", "MaxNorm", "min_max_norm", "MinMaxNorm", "non_neg", "NonNeg", "unit_norm",
                        "UnitNorm"})
    EXPECT_NE(constraints::get(ConstraintArg(n)), nullptr) << n;
  EXPECT_EQ(constraints::get(ConstraintArg("max_norm"))->class_name(), "MaxNorm");
  EXPECT_EQ(constraints::get(ConstraintArg()), nullptr);
  EXPECT_THROW_WITH(constraints::get(ConstraintArg("maxnorm")), "Could not interpret constraint identifier: maxnorm",
                    "\"max_norm\"");
}

TEST(Constraints, AxisOutOfRangeNamesTheWeightRank) {
  EXPECT_THROW_WITH(constraints::MaxNorm(2.0, 2)(Tensor::ones({3})), "out of bounds for a weight of rank 1", "Hint:");
}
