#include "keras/activations/activations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"

using namespace keras;
using ::testing::HasSubstr;

namespace {

using Ref = std::function<double(double)>;

double sigmoid_d(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus_d(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }
double clip(double v, double lo, double hi) { return std::min(std::max(v, lo), hi); }

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

struct Case {
  std::string name;
  Ref f;
};

// Keras 3's formulas, in double.
std::vector<Case> elementwise_cases() {
  return {
      {"relu", [](double x) { return std::max(x, 0.0); }},
      {"sigmoid", sigmoid_d},
      {"tanh", [](double x) { return std::tanh(x); }},
      {"linear", [](double x) { return x; }},
      {"elu", [](double x) { return x > 0 ? x : std::expm1(x); }},
      {"selu", [](double x) { return kSeluScale * (x > 0 ? x : kSeluAlpha * std::expm1(x)); }},
      {"gelu", [](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }},
      {"softplus", softplus_d},
      {"softsign", [](double x) { return x / (1.0 + std::abs(x)); }},
      {"swish", [](double x) { return x * sigmoid_d(x); }},
      {"silu", [](double x) { return x * sigmoid_d(x); }},
      {"leaky_relu", [](double x) { return x >= 0 ? x : 0.2 * x; }},
      {"relu6", [](double x) { return clip(x, 0.0, 6.0); }},
      {"hard_sigmoid", [](double x) { return clip(x + 3.0, 0.0, 6.0) / 6.0; }},
      {"exponential", [](double x) { return std::exp(x); }},
      {"hard_silu", [](double x) { return x * clip(x + 3.0, 0.0, 6.0) / 6.0; }},
      {"hard_swish", [](double x) { return x * clip(x + 3.0, 0.0, 6.0) / 6.0; }},
      {"mish", [](double x) { return x * std::tanh(softplus_d(x)); }},
      {"tanh_shrink", [](double x) { return x - std::tanh(x); }},
      {"hard_tanh", [](double x) { return clip(x, -1.0, 1.0); }},
      {"hard_shrink", [](double x) { return std::abs(x) > 0.5 ? x : 0.0; }},
      {"soft_shrink", [](double x) { return x > 0.5 ? x - 0.5 : (x < -0.5 ? x + 0.5 : 0.0); }},
      {"log_sigmoid", [](double x) { return -softplus_d(-x); }},
      {"squareplus", [](double x) { return (x + std::sqrt(x * x + 4.0)) / 2.0; }},
      {"sparse_plus", [](double x) { return x <= -1 ? 0.0 : (x < 1 ? (x + 1) * (x + 1) / 4.0 : x); }},
      {"celu", [](double x) { return std::max(x, 0.0) + std::min(0.0, std::expm1(x)); }},
  };
}

// Test points at least 0.2 away from every kink (0, +-0.5, +-1, +-3, 6).
const std::vector<float> kPoints = {-3.7f, -2.2f, -1.3f, -0.7f, -0.2f, 0.3f, 0.8f, 1.6f, 2.4f, 4.1f, 7.3f};

void expect_scalar_close(double got, double ref, double rtol, double atol, const std::string& what) {
  EXPECT_LE(std::abs(got - ref), atol + rtol * std::abs(ref)) << what << ": got " << got << ", expected " << ref;
}

std::vector<float> forward(const activations::ActivationKernel& k, const std::vector<float>& x, int64_t rows,
                           int64_t cols) {
  std::vector<float> y(x.size());
  k.forward(x.data(), y.data(), rows, cols);
  return y;
}

// dx from the kernel's backward, through the whole-tensor API.
std::vector<float> backward(const activations::ActivationKernel& k, const std::vector<float>& x,
                            const std::vector<float>& dy, int64_t rows, int64_t cols) {
  Tensor tx(x, {rows, cols});
  Tensor ty = activations::apply(k, tx);
  Tensor tdy(dy, {rows, cols});
  return activations::gradient(k, tx, ty, tdy).to_vector();
}

// Central differences of L = sum(dy * f(x)), in double on the float forward.
std::vector<double> numeric_grad(const activations::ActivationKernel& k, const std::vector<float>& x,
                                 const std::vector<float>& dy, int64_t rows, int64_t cols, float h) {
  std::vector<double> g(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    std::vector<float> xp = x, xm = x;
    xp[i] += h;
    xm[i] -= h;
    const double step = static_cast<double>(xp[i]) - static_cast<double>(xm[i]);
    auto yp = forward(k, xp, rows, cols), ym = forward(k, xm, rows, cols);
    double s = 0.0;
    for (size_t j = 0; j < x.size(); ++j) s += static_cast<double>(dy[j]) * (double(yp[j]) - double(ym[j]));
    g[i] = s / step;
  }
  return g;
}

std::vector<float> some_dy(size_t n) {
  std::vector<float> dy(n);
  for (size_t i = 0; i < n; ++i) dy[i] = 0.5f + 0.37f * static_cast<float>((i * 7) % 5) - 0.6f * (i % 2);
  return dy;
}

}  // namespace

TEST(Activations, ValuesMatchKerasFormulas) {
  for (const auto& c : elementwise_cases()) {
    auto k = activations::get(c.name);
    std::vector<float> x = kPoints;
    for (float v : {0.0f, -0.05f, 0.05f, -1e-4f, 1e-4f, -12.0f, 12.0f, -30.0f, 30.0f}) x.push_back(v);
    if (c.name == "exponential") x = {-30.0f, -5.0f, -1e-4f, 0.0f, 0.5f, 3.0f, 30.0f, 80.0f};
    const auto y = forward(*k, x, 1, static_cast<int64_t>(x.size()));
    for (size_t i = 0; i < x.size(); ++i)
      expect_scalar_close(y[i], c.f(x[i]), 2e-6, 1e-7, c.name + "(" + std::to_string(x[i]) + ")");
  }
}

TEST(Activations, KnownKerasValues) {
  auto at = [](const char* name, float x) { return activations::apply(*activations::get(name), Tensor{x}).item(); };
  EXPECT_NEAR(at("gelu", 1.0f), 0.8413447f, 1e-6);
  EXPECT_NEAR(at("selu", 1.0f), 1.0507010f, 1e-6);
  EXPECT_NEAR(at("selu", -1.0f), -1.1113307f, 1e-6);
  EXPECT_NEAR(at("hard_sigmoid", 1.0f), 0.6666667f, 1e-6);
  EXPECT_FLOAT_EQ(at("hard_sigmoid", -3.0f), 0.0f);
  EXPECT_FLOAT_EQ(at("hard_sigmoid", 3.0f), 1.0f);
  EXPECT_FLOAT_EQ(at("leaky_relu", -1.0f), -0.2f);
  EXPECT_FLOAT_EQ(at("relu6", 10.0f), 6.0f);
  EXPECT_NEAR(at("softplus", 0.0f), std::log(2.0f), 1e-7);
  // keras.activations.relu's documented examples.
  Tensor x{-10.0f, -5.0f, 0.0f, 5.0f, 10.0f};
  EXPECT_EQ(activations::relu(x).to_vector(), (std::vector<float>{0, 0, 0, 5, 10}));
  EXPECT_EQ(activations::apply(*activations::relu_kernel(0.5), x).to_vector(),
            (std::vector<float>{-5, -2.5f, 0, 5, 10}));
  EXPECT_EQ(activations::apply(*activations::relu_kernel(0.0, 5.0), x).to_vector(),
            (std::vector<float>{0, 0, 0, 5, 5}));
  EXPECT_EQ(activations::apply(*activations::relu_kernel(0.0, std::nullopt, 5.0), x).to_vector(),
            (std::vector<float>{0, 0, 0, 0, 10}));
}

TEST(Activations, ExtremeInputsStayFinite) {
  auto at = [](const char* name, float x) { return activations::apply(*activations::get(name), Tensor{x}).item(); };
  EXPECT_FLOAT_EQ(at("sigmoid", 100.0f), 1.0f);
  EXPECT_FLOAT_EQ(at("sigmoid", -100.0f), 0.0f);
  EXPECT_FLOAT_EQ(at("tanh", 50.0f), 1.0f);
  EXPECT_FLOAT_EQ(at("tanh", -50.0f), -1.0f);
  EXPECT_FLOAT_EQ(at("softplus", 100.0f), 100.0f);
  EXPECT_GE(at("softplus", -100.0f), 0.0f);
  EXPECT_LT(at("softplus", -100.0f), 1e-40f);
  EXPECT_FLOAT_EQ(at("elu", -100.0f), -1.0f);
  EXPECT_FLOAT_EQ(at("gelu", -20.0f), 0.0f);
  EXPECT_FLOAT_EQ(at("gelu", 20.0f), 20.0f);
  EXPECT_FLOAT_EQ(at("mish", 100.0f), 100.0f);
  EXPECT_LE(at("log_sigmoid", 100.0f), 0.0f);
  EXPECT_GT(at("log_sigmoid", 100.0f), -1e-40f);
  EXPECT_FLOAT_EQ(at("log_sigmoid", -100.0f), -100.0f);
  EXPECT_NEAR(at("exponential", 88.0f), std::exp(88.0), 1.65e38 * 1e-6);
  EXPECT_TRUE(std::isinf(at("exponential", 89.0f)));
  EXPECT_EQ(at("exponential", -200.0f), 0.0f);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const char* name : {"relu", "sigmoid", "tanh", "gelu", "softplus", "silu", "elu", "exponential", "mish"})
    EXPECT_TRUE(std::isnan(at(name, nan))) << name;
}

TEST(Activations, BackwardMatchesNumericalGradient) {
  for (const auto& c : elementwise_cases()) {
    auto k = activations::get(c.name);
    const std::vector<float> x = kPoints;
    const auto dy = some_dy(x.size());
    const auto n = static_cast<int64_t>(x.size());
    const auto dx = backward(*k, x, dy, 1, n);
    const auto num = numeric_grad(*k, x, dy, 1, n, 1e-2f);
    for (size_t i = 0; i < x.size(); ++i) {
      // Against the float forward (the brief's check), and against the double formula's derivative.
      expect_scalar_close(dx[i], num[i], 2e-3, 2e-4, c.name + "'(" + std::to_string(x[i]) + ") vs float differences");
      const double h = 1e-6;
      const double ref = dy[i] * (c.f(double(x[i]) + h) - c.f(double(x[i]) - h)) / (2 * h);
      expect_scalar_close(dx[i], ref, 1e-4, 1e-5, c.name + "'(" + std::to_string(x[i]) + ") vs double formula");
    }
  }
}

TEST(Activations, ParameterisedKernels) {
  struct P {
    std::shared_ptr<const activations::ActivationKernel> k;
    Ref f;
    const char* what;
  };
  const double c = std::sqrt(2.0 / M_PI);
  const std::vector<P> cases = {
      {activations::relu_kernel(0.1, 5.0), [](double x) { return x > 0 ? std::min(x, 5.0) : 0.1 * x; }, "relu(0.1, 5)"},
      {activations::relu_kernel(0.0, std::nullopt, 1.5), [](double x) { return x > 1.5 ? x : 0.0; }, "relu(t=1.5)"},
      {activations::relu_kernel(0.3, std::nullopt, 1.5),
       [](double x) { return x > 1.5 ? x : 0.3 * (x - 1.5); }, "relu(0.3, t=1.5)"},
      {activations::leaky_relu_kernel(0.1), [](double x) { return x >= 0 ? x : 0.1 * x; }, "leaky(0.1)"},
      {activations::leaky_relu_kernel(-0.5), [](double x) { return x >= 0 ? x : -0.5 * x; }, "leaky(-0.5)"},
      {activations::elu_kernel(0.5), [](double x) { return x > 0 ? x : 0.5 * std::expm1(x); }, "elu(0.5)"},
      {activations::elu_kernel(-0.5), [](double x) { return x > 0 ? x : -0.5 * std::expm1(x); }, "elu(-0.5)"},
      {activations::celu_kernel(2.0),
       [](double x) { return std::max(x, 0.0) + 2.0 * std::min(0.0, std::expm1(x / 2.0)); }, "celu(2)"},
      {activations::gelu_kernel(true),
       [c](double x) { return 0.5 * x * (1.0 + std::tanh(c * (x + 0.044715 * x * x * x))); }, "gelu(approx)"},
      {activations::soft_shrink_kernel(1.0),
       [](double x) { return x > 1 ? x - 1 : (x < -1 ? x + 1 : 0.0); }, "soft_shrink(1)"},
      {activations::hard_shrink_kernel(1.0), [](double x) { return std::abs(x) > 1 ? x : 0.0; }, "hard_shrink(1)"},
      {activations::squareplus_kernel(1.0), [](double x) { return (x + std::sqrt(x * x + 1.0)) / 2.0; }, "sqp(1)"},
  };
  const std::vector<float> x = {-3.7f, -2.2f, -1.3f, -0.7f, -0.2f, 0.3f, 0.8f, 1.2f, 2.4f, 4.1f, 7.3f};
  const auto dy = some_dy(x.size());
  const auto n = static_cast<int64_t>(x.size());
  for (const auto& p : cases) {
    const auto y = forward(*p.k, x, 1, n);
    const auto dx = backward(*p.k, x, dy, 1, n);
    const auto num = numeric_grad(*p.k, x, dy, 1, n, 1e-2f);
    for (size_t i = 0; i < x.size(); ++i) {
      expect_scalar_close(y[i], p.f(x[i]), 2e-6, 1e-7, std::string(p.what) + " at " + std::to_string(x[i]));
      expect_scalar_close(dx[i], num[i], 2e-3, 2e-4, std::string(p.what) + "' at " + std::to_string(x[i]));
    }
  }
  EXPECT_EQ(activations::relu_kernel(), activations::get("relu"));
  EXPECT_EQ(activations::relu_kernel(0.0, 6.0), activations::get("relu6"));
  EXPECT_EQ(activations::gelu_kernel(false), activations::get("gelu"));
}

TEST(Activations, SoftmaxRowsSumToOneAndAreStable) {
  const int64_t rows = 3, cols = 5;
  std::vector<float> x = {1, 2, 3, 4, 5, -1, 0, 1, 0, -1, 1000, 1001, 1002, 999, 1000};
  auto k = activations::get("softmax");
  const auto y = forward(*k, x, rows, cols);
  for (int64_t r = 0; r < rows; ++r) {
    double m = -1e30, s = 0, sum = 0;
    for (int64_t j = 0; j < cols; ++j) m = std::max(m, double(x[r * cols + j]));
    for (int64_t j = 0; j < cols; ++j) s += std::exp(x[r * cols + j] - m);
    for (int64_t j = 0; j < cols; ++j) {
      const double ref = std::exp(x[r * cols + j] - m) / s;
      expect_scalar_close(y[r * cols + j], ref, 2e-6, 1e-8, "softmax");
      sum += y[r * cols + j];
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
  auto lk = activations::get("log_softmax");
  const auto ly = forward(*lk, x, rows, cols);
  for (int64_t i = 0; i < rows * cols; ++i) {
    EXPECT_TRUE(std::isfinite(ly[i]));
    expect_scalar_close(ly[i], std::log(double(y[i])), 1e-5, 1e-5, "log_softmax");
  }
  // A row of -1000s and +1000s: no overflow, no NaN.
  std::vector<float> big = {-1000, 1000, 0};
  const auto yb = forward(*k, big, 1, 3);
  EXPECT_FLOAT_EQ(yb[1], 1.0f);
  EXPECT_FLOAT_EQ(yb[0], 0.0f);
  const auto lb = forward(*lk, big, 1, 3);
  EXPECT_FLOAT_EQ(lb[1], 0.0f);
  EXPECT_FLOAT_EQ(lb[0], -2000.0f);
}

TEST(Activations, SoftmaxOfNarrowRowsMatchesTheReferenceAcrossBlocks) {
  // A classifier's 10 logits take the block path: 150 rows span three blocks, the last one partial, in place too.
  const int64_t rows = 150, cols = 10;
  std::vector<float> x(static_cast<size_t>(rows * cols));
  for (size_t i = 0; i < x.size(); ++i) x[i] = 8.0f * std::sin(0.91f * static_cast<float>(i)) + (i % 7 == 0 ? 50 : 0);
  auto k = activations::get("softmax");
  const auto y = forward(*k, x, rows, cols);
  for (int64_t r = 0; r < rows; ++r) {
    double m = -1e30, s = 0;
    for (int64_t j = 0; j < cols; ++j) m = std::max(m, double(x[r * cols + j]));
    for (int64_t j = 0; j < cols; ++j) s += std::exp(x[r * cols + j] - m);
    for (int64_t j = 0; j < cols; ++j)
      expect_scalar_close(y[r * cols + j], std::exp(x[r * cols + j] - m) / s, 2e-6, 1e-8, "softmax");
  }
  std::vector<float> inplace = x;
  k->forward(inplace.data(), inplace.data(), rows, cols);
  EXPECT_EQ(inplace, y);
}

TEST(Activations, SoftmaxOfInfiniteLogitsIsTheLimit) {
  // As numpy: +inf entries share the mass, a row of -inf is NaN, a NaN logit makes its row NaN; for narrow rows (block
  // path) and wide ones, in place too.
  const float inf = std::numeric_limits<float>::infinity();
  auto k = activations::get("softmax");
  for (const int64_t cols : {4, 40}) {
    std::vector<float> x(static_cast<size_t>(4 * cols), 0.0f);
    x[0] = inf;
    x[2] = inf;                                                                // row 0: two +inf
    for (int64_t j = 0; j < cols; ++j) x[static_cast<size_t>(cols + j)] = -inf;  // row 1: all -inf
    x[static_cast<size_t>(2 * cols + 1)] = std::numeric_limits<float>::quiet_NaN();  // row 2: a NaN
    x[static_cast<size_t>(3 * cols + 3)] = 5.0f;                                      // row 3: finite
    for (const bool in_place : {false, true}) {
      std::vector<float> y = x;
      if (in_place) k->forward(y.data(), y.data(), 4, cols);
      else y = forward(*k, x, 4, cols);
      EXPECT_EQ(y[0], 0.5f) << cols;
      EXPECT_EQ(y[1], 0.0f) << cols;
      EXPECT_EQ(y[2], 0.5f) << cols;
      for (int64_t j = 0; j < cols; ++j) {
        EXPECT_TRUE(std::isnan(y[static_cast<size_t>(cols + j)])) << cols;
        EXPECT_TRUE(std::isnan(y[static_cast<size_t>(2 * cols + j)])) << cols;
      }
      const double s = double(cols - 1) + std::exp(5.0);
      EXPECT_NEAR(y[static_cast<size_t>(3 * cols + 3)], std::exp(5.0) / s, 1e-6) << cols;
      EXPECT_NEAR(y[static_cast<size_t>(3 * cols)], 1.0 / s, 1e-7) << cols;
    }
  }
}

TEST(Activations, SoftmaxBackwardIsTheJacobianProduct) {
  const int64_t rows = 4, cols = 6;
  std::vector<float> x(static_cast<size_t>(rows * cols));
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.7f * static_cast<float>(i)) * 2.0f;
  const auto dy = some_dy(x.size());
  for (const char* name : {"softmax", "log_softmax"}) {
    auto k = activations::get(name);
    EXPECT_FALSE(k->backward_needs_input()) << name;
    EXPECT_TRUE(k->is_row_wise()) << name;
    const auto dx = backward(*k, x, dy, rows, cols);
    const auto num = numeric_grad(*k, x, dy, rows, cols, 1e-2f);
    for (size_t i = 0; i < x.size(); ++i) expect_scalar_close(dx[i], num[i], 2e-3, 2e-4, std::string(name) + "'");
  }
}

TEST(Activations, LargeBlocksAndInPlace) {
  // Large enough for the OpenMP path, odd-sized for the vector tails.
  const int64_t rows = 301, cols = 257;
  std::vector<float> x(static_cast<size_t>(rows * cols));
  for (size_t i = 0; i < x.size(); ++i) x[i] = 6.0f * std::sin(0.37f * static_cast<float>(i));
  for (const char* name : {"gelu", "tanh", "softmax", "relu", "sigmoid", "log_softmax"}) {
    auto k = activations::get(name);
    const auto y = forward(*k, x, rows, cols);
    // The same values row by row (serial path).
    for (int64_t r = 0; r < rows; r += 37) {
      std::vector<float> xr(x.begin() + r * cols, x.begin() + (r + 1) * cols);
      const auto yr = forward(*k, xr, 1, cols);
      for (int64_t j = 0; j < cols; ++j) ASSERT_EQ(yr[j], y[r * cols + j]) << name;
    }
    // In place: y may be x, dx may be dy.
    std::vector<float> inplace = x;
    k->forward(inplace.data(), inplace.data(), rows, cols);
    ASSERT_EQ(inplace, y) << name;
    std::vector<float> dy(x.size(), 0.25f), dx(x.size());
    k->backward(x.data(), y.data(), dy.data(), dx.data(), rows, cols);
    k->backward(x.data(), y.data(), dy.data(), dy.data(), rows, cols);
    ASSERT_EQ(dx, dy) << name;
  }
}

TEST(Activations, BackwardNeedsInputFlags) {
  for (const char* name : {"relu", "sigmoid", "tanh", "softmax", "log_softmax", "linear", "elu", "selu",
                           "exponential", "softplus", "softsign", "leaky_relu", "relu6", "hard_sigmoid"})
    EXPECT_FALSE(activations::get(name)->backward_needs_input()) << name;
  for (const char* name : {"gelu", "silu", "swish", "mish", "hard_silu", "tanh_shrink"})
    EXPECT_TRUE(activations::get(name)->backward_needs_input()) << name;
  // Kernels that need only y work without x (and the other way round).
  Tensor x{-1.0f, 0.5f, 2.0f};
  auto relu = activations::get("relu");
  Tensor y = activations::apply(*relu, x);
  EXPECT_EQ(activations::gradient(*relu, Tensor(), y, Tensor{1.0f, 1.0f, 1.0f}).to_vector(),
            (std::vector<float>{0, 1, 1}));
  auto gelu = activations::get("gelu");
  EXPECT_NO_THROW(activations::gradient(*gelu, x, Tensor(), Tensor{1.0f, 1.0f, 1.0f}));
  EXPECT_THROW(activations::gradient(*gelu, Tensor(), y, Tensor{1.0f, 1.0f, 1.0f}), ValueError);
  EXPECT_THROW(activations::gradient(*relu, x, y, Tensor{1.0f, 1.0f}), ValueError);
}

TEST(Activations, GetResolvesNamesFunctionsAndAliases) {
  EXPECT_EQ(activations::get("")->name(), "linear");
  EXPECT_TRUE(activations::get("")->is_linear());
  EXPECT_TRUE(activations::get(activations::linear)->is_linear());
  EXPECT_FALSE(activations::get("relu")->is_linear());
  EXPECT_EQ(activations::get(activations::relu), activations::get("relu"));  // cached singletons
  EXPECT_EQ(activations::get("swish")->name(), "silu");
  EXPECT_EQ(activations::get(activations::hard_swish)->name(), "hard_silu");
  ActivationArg arg = activations::gelu;
  EXPECT_EQ(arg.name, "gelu");
  const auto n = activations::names();
  EXPECT_TRUE(std::is_sorted(n.begin(), n.end()));
  for (const char* name : {"relu", "sigmoid", "softmax", "tanh", "linear", "elu", "selu", "gelu", "softplus",
                           "softsign", "swish", "silu", "leaky_relu", "relu6", "hard_sigmoid", "exponential",
                           "log_softmax", "hard_silu", "hard_swish", "mish"}) {
    EXPECT_NE(std::find(n.begin(), n.end(), name), n.end()) << name;
    EXPECT_NO_THROW(activations::get(name)) << name;
  }
  // Functions apply to a tensor of any rank (the last axis is the row).
  Tensor t({1, 2, 3, 4, 5, 6}, {1, 2, 3});
  Tensor s = activations::softmax(t);
  EXPECT_EQ(s.dims(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_NEAR(s.at({0, 1, 0}) + s.at({0, 1, 1}) + s.at({0, 1, 2}), 1.0f, 1e-6f);
  EXPECT_FLOAT_EQ(activations::relu(Tensor::scalar(-2.0f)).item(), 0.0f);
  EXPECT_EQ(activations::tanh(Tensor::zeros({0, 3})).size(), 0);
}

TEST(Activations, UnknownNameIsAValueError) {
  try {
    activations::get("relux");
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Could not interpret activation function identifier: relux"));
    EXPECT_THAT(e.hint(), HasSubstr("relu"));
    EXPECT_THAT(e.hint(), HasSubstr("softmax"));
  }
  EXPECT_THROW(activations::get("ReLU"), ValueError);  // names are case-sensitive, as in Keras
}
