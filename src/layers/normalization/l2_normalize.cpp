#include "layers/normalization/l2_normalize.hpp"

#include <cmath>

namespace keras::layers::l2norm {

namespace {

// Rows of the (outer, n, inner) view are parallel work items once the tensor is big enough to pay for threads.
constexpr int64_t kParallelSize = 1 << 15;

float scale_of(float ss, float floor) { return 1.0f / std::sqrt(ss < floor ? floor : ss); }

}  // namespace

Span Span::of(const std::vector<int64_t>& dims, int first, int last) {
  Span s;
  for (int a = 0; a < static_cast<int>(dims.size()); ++a) {
    const int64_t d = dims[static_cast<size_t>(a)];
    if (a < first) s.outer *= d;
    else if (a <= last) s.n *= d;
    else s.inner *= d;
  }
  return s;
}

Tensor square_sums(const Tensor& x, const Span& s) {
  Tensor ss = Tensor::zeros({s.outer, s.inner});
  const float* px = x.data();
  float* out = ss.data();
#pragma omp parallel for if (x.size() > kParallelSize)
  for (int64_t o = 0; o < s.outer; ++o) {
    float* row = out + o * s.inner;
    for (int64_t k = 0; k < s.n; ++k) {
      const float* v = px + (o * s.n + k) * s.inner;
      for (int64_t i = 0; i < s.inner; ++i) row[i] += v[i] * v[i];
    }
  }
  return ss;
}

Tensor normalize(const Tensor& x, const Tensor& ss, const Span& s, float floor) {
  Tensor y = Tensor::empty(x.dims());
  const float* px = x.data();
  const float* pss = ss.data();
  float* py = y.data();
#pragma omp parallel for if (x.size() > kParallelSize)
  for (int64_t o = 0; o < s.outer; ++o) {
    std::vector<float> scale(static_cast<size_t>(s.inner));
    for (int64_t i = 0; i < s.inner; ++i) scale[static_cast<size_t>(i)] = scale_of(pss[o * s.inner + i], floor);
    for (int64_t k = 0; k < s.n; ++k) {
      const int64_t at = (o * s.n + k) * s.inner;
      for (int64_t i = 0; i < s.inner; ++i) py[at + i] = px[at + i] * scale[static_cast<size_t>(i)];
    }
  }
  return y;
}

Tensor normalize_backward(const Tensor& x, const Tensor& ss, const Tensor& dy, const Span& s, float floor) {
  Tensor dx = Tensor::empty(x.dims());
  const float* px = x.data();
  const float* pss = ss.data();
  const float* pg = dy.data();
  float* pd = dx.data();
#pragma omp parallel for if (x.size() > kParallelSize)
  for (int64_t o = 0; o < s.outer; ++o) {
    // Per inner position: the scale, and sum(dy * y) (0 where the clamp makes the scale a constant).
    std::vector<float> scale(static_cast<size_t>(s.inner));
    std::vector<double> dot(static_cast<size_t>(s.inner), 0.0);
    for (int64_t i = 0; i < s.inner; ++i) scale[static_cast<size_t>(i)] = scale_of(pss[o * s.inner + i], floor);
    for (int64_t k = 0; k < s.n; ++k) {
      const int64_t at = (o * s.n + k) * s.inner;
      for (int64_t i = 0; i < s.inner; ++i)
        dot[static_cast<size_t>(i)] += static_cast<double>(pg[at + i]) * px[at + i] * scale[static_cast<size_t>(i)];
    }
    for (int64_t i = 0; i < s.inner; ++i)
      if (pss[o * s.inner + i] < floor) dot[static_cast<size_t>(i)] = 0.0;
    for (int64_t k = 0; k < s.n; ++k) {
      const int64_t at = (o * s.n + k) * s.inner;
      for (int64_t i = 0; i < s.inner; ++i) {
        const float c = scale[static_cast<size_t>(i)];
        const float y = px[at + i] * c;
        pd[at + i] = c * (pg[at + i] - y * static_cast<float>(dot[static_cast<size_t>(i)]));
      }
    }
  }
  return dx;
}

}  // namespace keras::layers::l2norm
