#include "keras/activations/activations.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "activations/keras2_names.hpp"
#include "activations/vmath.hpp"
#include "keras/core/errors.hpp"

namespace keras {

ActivationArg::ActivationArg(const activations::Function& f) : name(f.name ? f.name : "") {}

namespace activations {
namespace {

// Blocks larger than this are split across OpenMP threads; smaller ones run on the calling thread.
constexpr int64_t kParallelMin = 32768;
constexpr int64_t kBlock = 16384;

// Runs body(begin, end) over [0, n), in parallel blocks when n is large.
template <class F>
void for_blocks(int64_t n, const F& body) {
  if (n < kParallelMin) {
    body(int64_t{0}, n);
    return;
  }
  const int64_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < blocks; ++b) body(b * kBlock, std::min(n, (b + 1) * kBlock));
}

// ---- Elementwise activations ---------------------------------------------------------------------------------
// An Op has f(x) and grad(v, dy), where v is y when from_output is true and x otherwise.

struct LinearOp {
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const { return x; }
  KERAS_VM_INLINE float grad(float, float dy) const { return dy; }
};

using vm::sel;

struct ReluOp {
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const { return sel(x < 0.0f, 0.0f, x); }  // NaN stays NaN
  KERAS_VM_INLINE float grad(float y, float dy) const { return sel(y > 0.0f, dy, 0.0f); }
};

// keras.activations.relu with parameters: y = (x > t ? x : 0), clipped to [0, max] when max is given, then
// plus slope * min(x - t, 0).
struct GeneralReluOp {
  static constexpr bool from_output = false;
  float slope, threshold, max_value;
  bool has_max;
  KERAS_VM_INLINE float f(float x) const {
    float y = sel(x > threshold, x, 0.0f);
    float c = sel(y < 0.0f, 0.0f, y);
    c = sel(c > max_value, max_value, c);
    y = sel(has_max, c, y);
    const float neg = x - threshold;
    return y + slope * sel(neg < 0.0f, neg, 0.0f);
  }
  KERAS_VM_INLINE float grad(float x, float dy) const {
    const bool in_range = (!has_max) | ((x > 0.0f) & (x < max_value));
    const float g = sel((x > threshold) & in_range, 1.0f, 0.0f) + sel(x < threshold, slope, 0.0f);
    return dy * g;
  }
};

struct LeakyReluOp {  // slope >= 0: the sign of y is the sign of x
  static constexpr bool from_output = true;
  float slope;
  KERAS_VM_INLINE float f(float x) const { return sel(x < 0.0f, slope * x, x); }
  KERAS_VM_INLINE float grad(float y, float dy) const { return sel(y > 0.0f, dy, slope * dy); }
};

struct Relu6Op {
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const {
    const float y = sel(x < 0.0f, 0.0f, x);
    return sel(y > 6.0f, 6.0f, y);
  }
  KERAS_VM_INLINE float grad(float y, float dy) const { return sel((y > 0.0f) & (y < 6.0f), dy, 0.0f); }
};

struct SigmoidOp {
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const { return vm::sigmoid(x); }
  KERAS_VM_INLINE float grad(float y, float dy) const { return dy * y * (1.0f - y); }
};

struct TanhOp {
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const { return vm::tanh(x); }
  KERAS_VM_INLINE float grad(float y, float dy) const { return dy * (1.0f - y * y); }
};

struct EluOp {  // alpha >= 0: y > 0 exactly when x > 0
  static constexpr bool from_output = true;
  float alpha;
  KERAS_VM_INLINE float f(float x) const { return sel(x > 0.0f, x, alpha * vm::expm1(x)); }
  KERAS_VM_INLINE float grad(float y, float dy) const { return sel(y > 0.0f, dy, dy * (y + alpha)); }
};

struct EluInputOp {  // any alpha
  static constexpr bool from_output = false;
  float alpha;
  KERAS_VM_INLINE float f(float x) const { return sel(x > 0.0f, x, alpha * vm::expm1(x)); }
  KERAS_VM_INLINE float grad(float x, float dy) const { return sel(x > 0.0f, dy, dy * alpha * vm::exp(x)); }
};

constexpr float kSeluAlpha = 1.67326324235437728481704299167f;
constexpr float kSeluScale = 1.05070098735548049341933498529f;

struct SeluOp {
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const { return kSeluScale * sel(x > 0.0f, x, kSeluAlpha * vm::expm1(x)); }
  KERAS_VM_INLINE float grad(float y, float dy) const {
    return sel(y > 0.0f, kSeluScale * dy, dy * (y + kSeluScale * kSeluAlpha));
  }
};

struct CeluOp {  // max(x, 0) + alpha * expm1(min(x, 0) / alpha)
  static constexpr bool from_output = false;
  float alpha;
  KERAS_VM_INLINE float f(float x) const { return sel(x > 0.0f, x, alpha * vm::expm1(x / alpha)); }
  KERAS_VM_INLINE float grad(float x, float dy) const { return sel(x > 0.0f, dy, dy * vm::exp(x / alpha)); }
};

constexpr float kInvSqrt2Pi = 0.398942280401432677939946059934f;

struct GeluOp {  // x * Phi(x), Phi the standard normal CDF (Keras's approximate=False)
  static constexpr bool from_output = false;
  KERAS_VM_INLINE float f(float x) const { return x * vm::normal_cdf(x); }
  KERAS_VM_INLINE float grad(float x, float dy) const {
    return dy * (vm::normal_cdf(x) + x * kInvSqrt2Pi * vm::exp(-0.5f * x * x));
  }
};

struct GeluTanhOp {  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  static constexpr bool from_output = false;
  static constexpr float kC = 0.797884560802865355879892119869f;
  KERAS_VM_INLINE float f(float x) const { return 0.5f * x * (1.0f + vm::tanh(kC * (x + 0.044715f * x * x * x))); }
  KERAS_VM_INLINE float grad(float x, float dy) const {
    const float t = vm::tanh(kC * (x + 0.044715f * x * x * x));
    return dy * (0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * kC * (1.0f + 3.0f * 0.044715f * x * x));
  }
};

struct SoftplusOp {  // d/dx = sigmoid(x) = 1 - exp(-y)
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const { return vm::softplus(x); }
  KERAS_VM_INLINE float grad(float y, float dy) const { return -dy * vm::expm1(-y); }
};

struct LogSigmoidOp {  // -softplus(-x); d/dx = sigmoid(-x) = 1 - exp(y)
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const { return -vm::softplus(-x); }
  KERAS_VM_INLINE float grad(float y, float dy) const { return -dy * vm::expm1(y); }
};

struct SoftsignOp {  // d/dx = 1 / (1 + |x|)^2 = (1 - |y|)^2
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const { return x / (1.0f + std::fabs(x)); }
  KERAS_VM_INLINE float grad(float y, float dy) const {
    const float s = 1.0f - std::fabs(y);
    return dy * s * s;
  }
};

struct SiluOp {
  static constexpr bool from_output = false;
  KERAS_VM_INLINE float f(float x) const { return x * vm::sigmoid(x); }
  KERAS_VM_INLINE float grad(float x, float dy) const {
    const float s = vm::sigmoid(x);
    return dy * s * (1.0f + x * (1.0f - s));
  }
};

struct HardSigmoidOp {  // relu6(x + 3) / 6
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const {
    const float y = x * (1.0f / 6.0f) + 0.5f;
    const float c = sel(y < 0.0f, 0.0f, y);
    return sel(c > 1.0f, 1.0f, c);
  }
  KERAS_VM_INLINE float grad(float y, float dy) const { return sel((y > 0.0f) & (y < 1.0f), dy * (1.0f / 6.0f), 0.0f); }
};

// Keras 1/2's hard_sigmoid, clip(0.2 x + 0.5, 0, 1). Keras 3 changed the formula under the same name, so a file
// written by Keras 2 (whose weights were trained with this one) is loaded with it under a name of its own
// (saving/model_config.cpp maps it); Keras 3 has no activation computing it.
struct HardSigmoidKeras2Op {
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const {
    const float y = x * 0.2f + 0.5f;
    const float c = sel(y < 0.0f, 0.0f, y);
    return sel(c > 1.0f, 1.0f, c);
  }
  KERAS_VM_INLINE float grad(float y, float dy) const { return sel((y > 0.0f) & (y < 1.0f), dy * 0.2f, 0.0f); }
};

struct HardSiluOp {  // x * relu6(x + 3) / 6
  static constexpr bool from_output = false;
  KERAS_VM_INLINE float f(float x) const { return x * HardSigmoidOp{}.f(x); }
  KERAS_VM_INLINE float grad(float x, float dy) const {
    const float mid = (2.0f * x + 3.0f) * (1.0f / 6.0f);
    return dy * sel(x < -3.0f, 0.0f, sel(x > 3.0f, 1.0f, mid));
  }
};

struct ExponentialOp {
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const { return vm::exp(x); }
  KERAS_VM_INLINE float grad(float y, float dy) const { return dy * y; }
};

struct MishOp {  // x * tanh(softplus(x)), with tanh(log(1 + e)) = n / (n + 2), n = e (e + 2), e = exp(x)
  static constexpr bool from_output = false;
  static KERAS_VM_INLINE float tanh_softplus(float e, float x) {
    const float n = e * (e + 2.0f);
    return sel(x > 20.0f, 1.0f, n / (n + 2.0f));
  }
  KERAS_VM_INLINE float f(float x) const { return x * tanh_softplus(vm::exp(x), x); }
  KERAS_VM_INLINE float grad(float x, float dy) const {
    const float e = vm::exp(x);
    const float t = tanh_softplus(e, x);
    const float s = sel(x > 20.0f, 1.0f, e / (1.0f + e));  // sigmoid(x)
    return dy * (t + x * (1.0f - t * t) * s);
  }
};

struct TanhShrinkOp {  // x - tanh(x)
  static constexpr bool from_output = false;
  KERAS_VM_INLINE float f(float x) const { return x - vm::tanh(x); }
  KERAS_VM_INLINE float grad(float x, float dy) const {
    const float t = vm::tanh(x);
    return dy * t * t;
  }
};

struct HardTanhOp {
  static constexpr bool from_output = true;
  KERAS_VM_INLINE float f(float x) const {
    const float y = sel(x < -1.0f, -1.0f, x);
    return sel(y > 1.0f, 1.0f, y);
  }
  KERAS_VM_INLINE float grad(float y, float dy) const { return sel((y > -1.0f) & (y < 1.0f), dy, 0.0f); }
};

struct HardShrinkOp {
  static constexpr bool from_output = false;
  float threshold;
  KERAS_VM_INLINE float f(float x) const { return sel(std::fabs(x) > threshold, x, 0.0f); }
  KERAS_VM_INLINE float grad(float x, float dy) const { return sel(std::fabs(x) > threshold, dy, 0.0f); }
};

struct SoftShrinkOp {
  static constexpr bool from_output = false;
  float threshold;
  KERAS_VM_INLINE float f(float x) const { return sel(x > threshold, x - threshold, sel(x < -threshold, x + threshold, 0.0f)); }
  KERAS_VM_INLINE float grad(float x, float dy) const { return sel(std::fabs(x) > threshold, dy, 0.0f); }
};

struct SquareplusOp {  // (x + sqrt(x^2 + b)) / 2, as b / (2 (sqrt(x^2 + b) - x)) for x < 0 (no cancellation)
  static constexpr bool from_output = false;
  float b;
  KERAS_VM_INLINE float f(float x) const {
    const float s = std::sqrt(x * x + b);
    return sel(x < 0.0f, 0.5f * b / (s - x), 0.5f * (x + s));
  }
  KERAS_VM_INLINE float grad(float x, float dy) const {  // (1 + x / s) / 2 = b / (2 s (s - x)) for x < 0
    const float s = std::sqrt(x * x + b);
    return dy * sel(x < 0.0f, 0.5f * b / (s * (s - x)), 0.5f * (1.0f + x / s));
  }
};

struct SparsePlusOp {  // 0 (x <= -1), (x + 1)^2 / 4 (-1 < x < 1), x (x >= 1)
  static constexpr bool from_output = false;
  KERAS_VM_INLINE float f(float x) const {
    const float q = 0.25f * (x + 1.0f) * (x + 1.0f);
    return sel(x <= -1.0f, 0.0f, sel(x < 1.0f, q, x));
  }
  KERAS_VM_INLINE float grad(float x, float dy) const {
    return dy * sel(x <= -1.0f, 0.0f, sel(x < 1.0f, 0.5f * (x + 1.0f), 1.0f));
  }
};

template <class Op>
class ElementwiseKernel final : public ActivationKernel {
 public:
  ElementwiseKernel(std::string name, Op op) : name_(std::move(name)), op_(op) {}
  std::string name() const override { return name_; }
  bool is_linear() const override { return std::is_same_v<Op, LinearOp>; }
  bool backward_needs_input() const override { return !Op::from_output; }

  void forward(const float* x, float* y, int64_t rows, int64_t cols) const override {
    const int64_t n = rows * cols;
    if constexpr (std::is_same_v<Op, LinearOp>) {
      if (x != y && n > 0) std::memmove(y, x, static_cast<size_t>(n) * sizeof(float));
    } else {
      const Op op = op_;
      for_blocks(n, [&](int64_t b, int64_t e) {
#pragma omp simd
        for (int64_t i = b; i < e; ++i) y[i] = op.f(x[i]);
      });
    }
  }

  void backward(const float* x, const float* y, const float* dy, float* dx, int64_t rows,
                int64_t cols) const override {
    const int64_t n = rows * cols;
    if constexpr (std::is_same_v<Op, LinearOp>) {
      if (dx != dy && n > 0) std::memmove(dx, dy, static_cast<size_t>(n) * sizeof(float));
    } else {
      const Op op = op_;
      const float* v = Op::from_output ? y : x;
      for_blocks(n, [&](int64_t b, int64_t e) {
#pragma omp simd
        for (int64_t i = b; i < e; ++i) dx[i] = op.grad(v[i], dy[i]);
      });
    }
  }

 private:
  std::string name_;
  Op op_;
};

template <class Op>
std::shared_ptr<const ActivationKernel> make(std::string name, Op op = {}) {
  return std::make_shared<const ElementwiseKernel<Op>>(std::move(name), op);
}

// ---- Row-wise activations (last axis) ------------------------------------------------------------------------

template <class F>
void for_rows(int64_t rows, int64_t cols, const F& row_fn) {
  if (rows > 1 && rows * cols >= kParallelMin) {
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) row_fn(r);
  } else {
    for (int64_t r = 0; r < rows; ++r) row_fn(r);
  }
}

inline float row_max(const float* x, int64_t cols) {
  float m = -HUGE_VALF;
#pragma omp simd reduction(max : m)
  for (int64_t j = 0; j < cols; ++j) m = vm::sel(x[j] > m, x[j], m);
  return m;
}

// y = exp(x - m); returns the sum of y.
inline float exp_shifted(const float* x, float* y, int64_t cols, float m) {
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < cols; ++j) {
    const float e = vm::exp(x[j] - m);
    y[j] = e;
    s += e;
  }
  return s;
}

inline float dot(const float* a, const float* b, int64_t cols) {
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < cols; ++j) s += a[j] * b[j];
  return s;
}

class SoftmaxKernel final : public ActivationKernel {
 public:
  std::string name() const override { return "softmax"; }
  bool backward_needs_input() const override { return false; }
  bool is_row_wise() const override { return true; }
  void forward(const float* x, float* y, int64_t rows, int64_t cols) const override {
    if (cols <= kNarrowCols) {
      forward_narrow(x, y, rows, cols);
      return;
    }
    for_rows(rows, cols, [&](int64_t r) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const float m = row_max(xr, cols);
      if (!std::isfinite(m)) {  // an infinite (or NaN) logit: fall back on the limit, as exp would give NaN
        softmax_nonfinite(xr, yr, cols, m);
        return;
      }
      const float inv = 1.0f / exp_shifted(xr, yr, cols, m);
#pragma omp simd
      for (int64_t j = 0; j < cols; ++j) yr[j] *= inv;
    });
  }
  // dx = y * (dy - sum(dy * y)).
  void backward(const float*, const float* y, const float* dy, float* dx, int64_t rows,
                int64_t cols) const override {
    for_rows(rows, cols, [&](int64_t r) {
      const float* yr = y + r * cols;
      const float* gr = dy + r * cols;
      float* out = dx + r * cols;
      const float s = dot(yr, gr, cols);
#pragma omp simd
      for (int64_t j = 0; j < cols; ++j) out[j] = yr[j] * (gr[j] - s);
    });
  }

 private:
  static constexpr int64_t kNarrowCols = 32, kBlockRows = 64, kNarrowParallelMin = 4096;

  // Rows narrower than a few vectors (a classifier's 10 logits) leave the per-row loops in their scalar tails and
  // reduction chains. Here a block of rows is transposed into a buffer, so that max, exp, sum and scale all run across
  // the block's rows, one vector lane per row (1024 x 10 on two threads: 29 -> 11 us). x and y may be the same array.
  static void forward_narrow(const float* x, float* y, int64_t rows, int64_t cols) {
    const int64_t blocks = (rows + kBlockRows - 1) / kBlockRows;
#pragma omp parallel for schedule(static) if (blocks > 1 && rows * cols >= kNarrowParallelMin)
    for (int64_t b = 0; b < blocks; ++b) {
      alignas(64) float buf[kNarrowCols][kBlockRows];  // buf[j][i]: column j of the block's row i
      alignas(64) float max_of[kBlockRows], inv[kBlockRows];
      const int64_t r0 = b * kBlockRows, n = std::min(kBlockRows, rows - r0);
      const float* xb = x + r0 * cols;
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < cols; ++j) buf[j][i] = xb[i * cols + j];
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) max_of[i] = -HUGE_VALF;
      for (int64_t j = 0; j < cols; ++j)
#pragma omp simd
        for (int64_t i = 0; i < n; ++i) max_of[i] = vm::sel(buf[j][i] > max_of[i], buf[j][i], max_of[i]);
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) inv[i] = 0.0f;
      for (int64_t j = 0; j < cols; ++j)
#pragma omp simd
        for (int64_t i = 0; i < n; ++i) {
          const float shift = vm::sel(max_of[i] - max_of[i] == 0.0f, max_of[i], 0.0f);  // 0 for +-inf and NaN
          buf[j][i] = vm::exp(buf[j][i] - shift);
          inv[i] += buf[j][i];
        }
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) inv[i] = 1.0f / inv[i];
      float* yb = y + r0 * cols;
      for (int64_t i = 0; i < n; ++i) {
        if (!std::isfinite(max_of[i])) {  // as the wide path: the limit, since exp would give NaN
          softmax_nonfinite(xb + i * cols, yb + i * cols, cols, max_of[i]);
          continue;
        }
        for (int64_t j = 0; j < cols; ++j) yb[i * cols + j] = buf[j][i] * inv[i];
      }
    }
  }

  static void softmax_nonfinite(const float* x, float* y, int64_t cols, float m) {
    // m is +inf: the +inf entries share the mass; m is -inf (all entries -inf): NaN, as numpy gives.
    int64_t count = 0;
    if (m == HUGE_VALF)
      for (int64_t j = 0; j < cols; ++j) count += x[j] == HUGE_VALF;
    for (int64_t j = 0; j < cols; ++j)
      y[j] = count > 0 ? (x[j] == HUGE_VALF ? 1.0f / static_cast<float>(count) : 0.0f) : std::nanf("");
  }
};

class LogSoftmaxKernel final : public ActivationKernel {
 public:
  std::string name() const override { return "log_softmax"; }
  bool backward_needs_input() const override { return false; }
  bool is_row_wise() const override { return true; }
  // y = x - m - log(sum(exp(x - m))).
  void forward(const float* x, float* y, int64_t rows, int64_t cols) const override {
    for_rows(rows, cols, [&](int64_t r) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const float m = row_max(xr, cols);
      const float mm = std::isfinite(m) ? m : 0.0f;
      float s = 0.0f;
#pragma omp simd reduction(+ : s)
      for (int64_t j = 0; j < cols; ++j) s += vm::exp(xr[j] - mm);
      const float shift = mm + std::log(s);
#pragma omp simd
      for (int64_t j = 0; j < cols; ++j) yr[j] = xr[j] - shift;
    });
  }
  // dx = dy - softmax * sum(dy), softmax = exp(y).
  void backward(const float*, const float* y, const float* dy, float* dx, int64_t rows,
                int64_t cols) const override {
    for_rows(rows, cols, [&](int64_t r) {
      const float* yr = y + r * cols;
      const float* gr = dy + r * cols;
      float* out = dx + r * cols;
      float s = 0.0f;
#pragma omp simd reduction(+ : s)
      for (int64_t j = 0; j < cols; ++j) s += gr[j];
#pragma omp simd
      for (int64_t j = 0; j < cols; ++j) out[j] = gr[j] - vm::exp(yr[j]) * s;
    });
  }
};

// ---- Registry ------------------------------------------------------------------------------------------------

using Registry = std::map<std::string, std::shared_ptr<const ActivationKernel>, std::less<>>;

const Registry& registry() {
  static const Registry reg = [] {
    Registry r;
    auto add = [&](std::shared_ptr<const ActivationKernel> k) { r.emplace(k->name(), std::move(k)); };
    add(make("linear", LinearOp{}));
    add(make("relu", ReluOp{}));
    add(make("leaky_relu", LeakyReluOp{0.2f}));
    add(make("relu6", Relu6Op{}));
    add(make("sigmoid", SigmoidOp{}));
    add(make("tanh", TanhOp{}));
    add(make("elu", EluOp{1.0f}));
    add(make("selu", SeluOp{}));
    add(make("celu", CeluOp{1.0f}));
    add(make("gelu", GeluOp{}));
    add(make("softplus", SoftplusOp{}));
    add(make("softsign", SoftsignOp{}));
    add(make("silu", SiluOp{}));
    add(make("hard_sigmoid", HardSigmoidOp{}));
    add(make(std::string(detail::kKeras2HardSigmoid), HardSigmoidKeras2Op{}));
    add(make("hard_silu", HardSiluOp{}));
    add(make("exponential", ExponentialOp{}));
    add(make("mish", MishOp{}));
    add(make("tanh_shrink", TanhShrinkOp{}));
    add(make("hard_tanh", HardTanhOp{}));
    add(make("hard_shrink", HardShrinkOp{0.5f}));
    add(make("soft_shrink", SoftShrinkOp{0.5f}));
    add(make("log_sigmoid", LogSigmoidOp{}));
    add(make("squareplus", SquareplusOp{4.0f}));
    add(make("sparse_plus", SparsePlusOp{}));
    add(std::make_shared<const SoftmaxKernel>());
    add(std::make_shared<const LogSoftmaxKernel>());
    // Keras's aliases.
    r.emplace("swish", r.at("silu"));
    r.emplace("hard_swish", r.at("hard_silu"));
    return r;
  }();
  return reg;
}

std::string joined_names() {
  std::string out;
  for (const auto& n : names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void check_same_dims(const Tensor& a, const Tensor& b, const char* what) {
  if (a.dims() != b.dims())
    throw ValueError(std::string("activations::gradient: `") + what + "` must have the shape of `dy`. Received: " +
                         what + ".shape=" + to_string(a.shape()) + ", dy.shape=" + to_string(b.shape()),
                     {.layer = "", .expected = to_string(b.shape()), .received = to_string(a.shape()), .hint = ""});
}

std::pair<int64_t, int64_t> rows_cols(const Tensor& t) {
  const int64_t cols = t.ndim() == 0 ? 1 : t.dims().back();
  const int64_t rows = cols == 0 ? 0 : t.size() / cols;
  return {rows, cols};
}

}  // namespace

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& kv : registry()) out.push_back(kv.first);
  return out;  // std::map keeps them sorted
}

std::shared_ptr<const ActivationKernel> get(const ActivationArg& activation) {
  const std::string& name = activation.name;
  const auto& reg = registry();
  if (name.empty()) return reg.at("linear");
  auto it = reg.find(name);
  if (it == reg.end())
    throw ValueError("Could not interpret activation function identifier: " + name,
                     {.layer = "",
                      .expected = "an activation name",
                      .received = name,
                      .hint = "use one of the Keras activation names: " + joined_names() + "."});
  return it->second;
}

std::shared_ptr<const ActivationKernel> relu_kernel(double negative_slope, std::optional<double> max_value,
                                                    double threshold) {
  if (negative_slope == 0.0 && threshold == 0.0) {
    if (!max_value) return get("relu");
    if (*max_value == 6.0) return get("relu6");
  }
  if (!max_value && threshold == 0.0 && negative_slope > 0.0) return leaky_relu_kernel(negative_slope);
  return make("relu", GeneralReluOp{static_cast<float>(negative_slope), static_cast<float>(threshold),
                                    static_cast<float>(max_value.value_or(0.0)), max_value.has_value()});
}

std::shared_ptr<const ActivationKernel> leaky_relu_kernel(double negative_slope) {
  if (negative_slope == 0.2) return get("leaky_relu");
  if (negative_slope >= 0.0) return make("leaky_relu", LeakyReluOp{static_cast<float>(negative_slope)});
  return make("leaky_relu", GeneralReluOp{static_cast<float>(negative_slope), 0.0f, 0.0f, false});
}

std::shared_ptr<const ActivationKernel> elu_kernel(double alpha) {
  if (alpha == 1.0) return get("elu");
  if (alpha >= 0.0) return make("elu", EluOp{static_cast<float>(alpha)});
  return make("elu", EluInputOp{static_cast<float>(alpha)});
}

std::shared_ptr<const ActivationKernel> celu_kernel(double alpha) {
  if (alpha == 1.0) return get("celu");
  if (alpha == 0.0) throw ValueError("celu: `alpha` must not be 0. Received: alpha=0.0");
  return make("celu", CeluOp{static_cast<float>(alpha)});
}

std::shared_ptr<const ActivationKernel> gelu_kernel(bool approximate) {
  if (!approximate) return get("gelu");
  static const auto k = make("gelu", GeluTanhOp{});
  return k;
}

std::shared_ptr<const ActivationKernel> soft_shrink_kernel(double threshold) {
  if (threshold == 0.5) return get("soft_shrink");
  return make("soft_shrink", SoftShrinkOp{static_cast<float>(threshold)});
}

std::shared_ptr<const ActivationKernel> hard_shrink_kernel(double threshold) {
  if (threshold == 0.5) return get("hard_shrink");
  return make("hard_shrink", HardShrinkOp{static_cast<float>(threshold)});
}

std::shared_ptr<const ActivationKernel> squareplus_kernel(double b) {
  if (b == 4.0) return get("squareplus");
  if (b < 0.0) throw ValueError("squareplus: `b` must be non-negative. Received: b=" + std::to_string(b));
  return make("squareplus", SquareplusOp{static_cast<float>(b)});
}

Tensor apply(const ActivationKernel& k, const Tensor& x) {
  if (!x.defined()) throw ValueError("activations::apply: the input tensor is undefined.");
  Tensor y = Tensor::empty(x.dims());
  const auto [rows, cols] = rows_cols(x);
  if (x.size() > 0) k.forward(x.data(), y.data(), rows, cols);
  return y;
}

Tensor gradient(const ActivationKernel& k, const Tensor& x, const Tensor& y, const Tensor& dy) {
  if (!dy.defined()) throw ValueError("activations::gradient: `dy` is undefined.");
  const bool needs_x = k.backward_needs_input();
  const Tensor& v = needs_x ? x : y;
  if (!v.defined())
    throw ValueError(std::string("activations::gradient: the ") + k.name() + " kernel needs `" +
                     (needs_x ? "x" : "y") + "`, which is undefined.");
  check_same_dims(v, dy, needs_x ? "x" : "y");
  Tensor dx = Tensor::empty(dy.dims());
  const auto [rows, cols] = rows_cols(dy);
  if (dy.size() > 0)
    k.backward(needs_x ? x.data() : nullptr, needs_x ? nullptr : y.data(), dy.data(), dx.data(), rows, cols);
  return dx;
}

Tensor Function::operator()(const Tensor& x) const { return apply(*get(ActivationArg(*this)), x); }

}  // namespace activations
}  // namespace keras
