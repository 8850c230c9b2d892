#include "layers/normalization/norm_kernels.hpp"

namespace keras::layers::norm {

AxisSplit split_at(const std::vector<int64_t>& dims, int axis) {
  AxisSplit s;
  for (int i = 0; i < static_cast<int>(dims.size()); ++i) {
    int64_t d = dims[static_cast<size_t>(i)];
    if (i < axis) s.outer *= d;
    else if (i == axis) s.channels = d;
    else s.inner *= d;
  }
  return s;
}

namespace {
bool big(const AxisSplit& s) { return s.size() > kParallelThreshold && s.outer > 1; }
}  // namespace

void channel_moments(const float* x, const AxisSplit& s, double* mean, double* var) {
  const int64_t C = s.channels, I = s.inner;
  const double n = static_cast<double>(s.count());
  parallel_accumulate(s.outer, C, big(s), mean, [&](double* acc, int64_t o) {
    const float* p = x + o * C * I;
    if (I == 1) {
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) acc[c] += p[c];
    } else {
      for (int64_t c = 0; c < C; ++c) {
        double t = 0;
#pragma omp simd reduction(+ : t)
        for (int64_t i = 0; i < I; ++i) t += p[c * I + i];
        acc[c] += t;
      }
    }
  });
  for (int64_t c = 0; c < C; ++c) mean[c] = n > 0 ? mean[c] / n : 0.0;
  parallel_accumulate(s.outer, C, big(s), var, [&](double* acc, int64_t o) {
    const float* p = x + o * C * I;
    if (I == 1) {
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) {
        double d = p[c] - mean[c];
        acc[c] += d * d;
      }
    } else {
      for (int64_t c = 0; c < C; ++c) {
        double t = 0, m = mean[c];
#pragma omp simd reduction(+ : t)
        for (int64_t i = 0; i < I; ++i) {
          double d = p[c * I + i] - m;
          t += d * d;
        }
        acc[c] += t;
      }
    }
  });
  for (int64_t c = 0; c < C; ++c) var[c] = n > 0 ? var[c] / n : 0.0;
}

void channel_grad_sums(const float* g, const float* x, const AxisSplit& s, const float* center, double* sum_g,
                       double* sum_gd) {
  const int64_t C = s.channels, I = s.inner;
  std::vector<double> both(static_cast<size_t>(2 * C));
  parallel_accumulate(s.outer, 2 * C, big(s), both.data(), [&](double* acc, int64_t o) {
    const float* gp = g + o * C * I;
    const float* xp = x + o * C * I;
    double* ag = acc;
    double* agd = acc + C;
    if (I == 1) {
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) {
        ag[c] += gp[c];
        agd[c] += static_cast<double>(gp[c]) * (xp[c] - center[c]);
      }
    } else {
      for (int64_t c = 0; c < C; ++c) {
        double tg = 0, tgd = 0;
        const float m = center[c];
#pragma omp simd reduction(+ : tg, tgd)
        for (int64_t i = 0; i < I; ++i) {
          tg += gp[c * I + i];
          tgd += static_cast<double>(gp[c * I + i]) * (xp[c * I + i] - m);
        }
        ag[c] += tg;
        agd[c] += tgd;
      }
    }
  });
  std::copy(both.begin(), both.begin() + C, sum_g);
  std::copy(both.begin() + C, both.end(), sum_gd);
}

void channel_affine(const float* x, const AxisSplit& s, const float* a, const float* m, const float* b, float* y) {
  const int64_t C = s.channels, I = s.inner;
  std::vector<float> zeros;
  if (!m || !b) zeros.assign(static_cast<size_t>(C), 0.0f);
  if (!m) m = zeros.data();
  if (!b) b = zeros.data();
#pragma omp parallel for schedule(static) if (big(s))
  for (int64_t o = 0; o < s.outer; ++o) {
    const float* p = x + o * C * I;
    float* q = y + o * C * I;
    if (I == 1) {
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) q[c] = a[c] * (p[c] - m[c]) + b[c];
    } else {
      for (int64_t c = 0; c < C; ++c) {
        const float ac = a[c], mc = m[c], bc = b[c];
#pragma omp simd
        for (int64_t i = 0; i < I; ++i) q[c * I + i] = ac * (p[c * I + i] - mc) + bc;
      }
    }
  }
}

void channel_affine_grad(const float* g, const float* x, const AxisSplit& s, const float* a, const float* b,
                         const float* m, const float* c, float* dx) {
  const int64_t C = s.channels, I = s.inner;
#pragma omp parallel for schedule(static) if (big(s))
  for (int64_t o = 0; o < s.outer; ++o) {
    const float* gp = g + o * C * I;
    const float* xp = x + o * C * I;
    float* q = dx + o * C * I;
    if (I == 1) {
#pragma omp simd
      for (int64_t k = 0; k < C; ++k) q[k] = a[k] * gp[k] + b[k] * (xp[k] - m[k]) + c[k];
    } else {
      for (int64_t k = 0; k < C; ++k) {
        const float ak = a[k], bk = b[k], mk = m[k], ck = c[k];
#pragma omp simd
        for (int64_t i = 0; i < I; ++i) q[k * I + i] = ak * gp[k * I + i] + bk * (xp[k * I + i] - mk) + ck;
      }
    }
  }
}

}  // namespace keras::layers::norm
