// keras.ops.nn: activations and softmax, each recorded for differentiation.
#include <cmath>
#include <numbers>

#include "keras/ops/ops.hpp"
#include "ops/elementwise.hpp"
#include "ops/tape.hpp"

namespace keras::ops {

namespace {
namespace nn_ops {  // file-local names apart from those of other sources of a unity batch

float logistic(float v) { return v >= 0.0f ? 1.0f / (1.0f + std::exp(-v)) : std::exp(v) / (1.0f + std::exp(v)); }

// Softmax or log-softmax over `axis`, written block by block: [outer][n][inner].
Tensor softmax_values(const Tensor& x, int axis, bool log_space) {
  const int a = detail::normalize_axis(axis, x.ndim());
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < a; ++i) outer *= x.dims()[static_cast<size_t>(i)];
  for (int i = a + 1; i < x.ndim(); ++i) inner *= x.dims()[static_cast<size_t>(i)];
  const int64_t n = x.dims()[static_cast<size_t>(a)];
  Tensor y = Tensor::empty(x.dims());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      const float* px = x.data() + o * n * inner + j;
      float* py = y.data() + o * n * inner + j;
      float m = -INFINITY;
      for (int64_t k = 0; k < n; ++k) m = std::max(m, px[k * inner]);
      double total = 0.0;
      for (int64_t k = 0; k < n; ++k) total += std::exp(static_cast<double>(px[k * inner] - m));
      const auto log_total = static_cast<float>(std::log(total));
      for (int64_t k = 0; k < n; ++k)
        py[k * inner] = log_space ? px[k * inner] - m - log_total
                                  : static_cast<float>(std::exp(static_cast<double>(px[k * inner] - m)) / total);
    }
  return y;
}

}  // namespace nn_ops
}  // namespace

using namespace nn_ops;

Tensor relu(const Tensor& x) {
  return detail::elementwise(x, [](float v) { return v > 0.0f ? v : 0.0f; },
                             [](float v, float) { return v > 0.0f ? 1.0f : 0.0f; });
}
Tensor relu6(const Tensor& x) {
  return detail::elementwise(x, [](float v) { return std::min(std::max(v, 0.0f), 6.0f); },
                             [](float v, float) { return v > 0.0f && v < 6.0f ? 1.0f : 0.0f; });
}
Tensor sigmoid(const Tensor& x) {
  return detail::elementwise(x, logistic, [](float, float y) { return y * (1.0f - y); });
}
Tensor softplus(const Tensor& x) {
  return detail::elementwise(
      x, [](float v) { return v > 0.0f ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v)); },
      [](float v, float) { return logistic(v); });
}
Tensor silu(const Tensor& x) {
  return detail::elementwise(x, [](float v) { return v * logistic(v); },
                             [](float v, float) {
                               const float s = logistic(v);
                               return s * (1.0f + v * (1.0f - s));
                             });
}
Tensor gelu(const Tensor& x, bool approximate) {
  constexpr float c = 0.7978845608028654f;  // sqrt(2 / pi)
  constexpr float inv_sqrt2 = 0.7071067811865476f;
  const float inv_sqrt_2pi = static_cast<float>(1.0 / std::sqrt(2.0 * std::numbers::pi));
  if (approximate)
    return detail::elementwise(
        x, [](float v) { return 0.5f * v * (1.0f + std::tanh(c * (v + 0.044715f * v * v * v))); },
        [](float v, float) {
          const float t = std::tanh(c * (v + 0.044715f * v * v * v));
          return 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * c * (1.0f + 3.0f * 0.044715f * v * v);
        });
  return detail::elementwise(
      x, [](float v) { return 0.5f * v * (1.0f + std::erf(v * inv_sqrt2)); },
      [inv_sqrt_2pi](float v, float) {
        return 0.5f * (1.0f + std::erf(v * inv_sqrt2)) + v * std::exp(-0.5f * v * v) * inv_sqrt_2pi;
      });
}
Tensor elu(const Tensor& x, float alpha) {
  return detail::elementwise(x, [alpha](float v) { return v > 0.0f ? v : alpha * std::expm1(v); },
                             [alpha](float v, float y) { return v > 0.0f ? 1.0f : y + alpha; });
}
Tensor leaky_relu(const Tensor& x, float negative_slope) {
  return detail::elementwise(x, [negative_slope](float v) { return v > 0.0f ? v : negative_slope * v; },
                             [negative_slope](float v, float) { return v > 0.0f ? 1.0f : negative_slope; });
}

Tensor softmax(const Tensor& x, int axis) {
  Tensor y = softmax_values(x, axis, false);
  if (!detail::recording(x)) return y;
  return detail::recorded({x}, y, [y, axis](const Tensor& dy) {
    // dx = y * (dy - sum(dy * y) over the axis)
    return std::vector<Tensor>{y * (dy - ops::sum(dy * y, axis, true))};
  });
}

Tensor log_softmax(const Tensor& x, int axis) {
  Tensor y = softmax_values(x, axis, true);
  if (!detail::recording(x)) return y;
  return detail::recorded({x}, y, [y, axis](const Tensor& dy) {
    // dx = dy - softmax(x) * sum(dy) over the axis
    return std::vector<Tensor>{dy - ops::exp(y) * ops::sum(dy, axis, true)};
  });
}

}  // namespace keras::ops
