// CPU loops of the spatial layers, vectorised over the contiguous channel axis, OpenMP over rows: zero padding,
// cropping, upsampling and global pooling, and the fallback for windowed pooling (see spatial.hpp).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "backend/spatial.hpp"

namespace keras::backend {

namespace {

// The window rows [k0, k1) of output position o that lie inside an axis of `size` (start o * stride - pad).
inline void clip_window(int64_t o, int64_t stride, int64_t pad, int64_t k, int64_t size, int64_t& start, int64_t& k0,
                        int64_t& k1) {
  start = o * stride - pad;
  k0 = std::max<int64_t>(0, -start);
  k1 = std::min<int64_t>(k, size - start);
}

// The outputs [lo, hi] whose windows cover input index i (empty when lo > hi).
inline void covering_outputs(int64_t i, int64_t stride, int64_t pad, int64_t k, int64_t out, int64_t& lo,
                             int64_t& hi) {
  const int64_t first = i + pad - k + 1;  // o * stride >= first
  lo = first <= 0 ? 0 : (first + stride - 1) / stride;
  hi = std::min<int64_t>(out - 1, (i + pad) / stride);
}

}  // namespace

namespace {

// The window of an output lies wholly inside the array for every output: no clipping, and each window element has
// a fixed offset from the window's corner.
bool windows_inside(const Pool2D& p) {
  return p.pad_top == 0 && p.pad_left == 0 && (p.oh - 1) * p.sh + p.kh <= p.h && (p.ow - 1) * p.sw + p.kw <= p.w;
}

// max_pool2d for 2x2 windows that all lie inside the array (the usual MaxPooling2D()): the four window elements are
// compared in registers, where the general loop below goes through memory for each; 2-3x faster.
void max_pool2d_2x2(const Pool2D& p, const float* x, float* y, float* argmax) {
  const int64_t C = p.c, rows = p.n * p.oh, row = p.w * C;
#pragma omp parallel for if (rows * p.ow * C * 4 > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = r / p.oh, oy = r % p.oh;
    for (int64_t ox = 0; ox < p.ow; ++ox) {
      const float* __restrict x0 = x + ((b * p.h + oy * p.sh) * p.w + ox * p.sw) * C;
      const float* __restrict x1 = x0 + C;
      const float* __restrict x2 = x0 + row;
      const float* __restrict x3 = x2 + C;
      float* __restrict yo = y + (r * p.ow + ox) * C;
      float* __restrict ao = argmax ? argmax + (r * p.ow + ox) * C : nullptr;
      if (!ao) {
#pragma omp simd
        for (int64_t c = 0; c < C; ++c) yo[c] = std::max(std::max(x0[c], x1[c]), std::max(x2[c], x3[c]));
        continue;
      }
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) {
        // Strict comparisons: the first maximum wins ties.
        float m = x0[c], at = 0.0f;
        at = x1[c] > m ? 1.0f : at;
        m = x1[c] > m ? x1[c] : m;
        at = x2[c] > m ? 2.0f : at;
        m = x2[c] > m ? x2[c] : m;
        at = x3[c] > m ? 3.0f : at;
        m = x3[c] > m ? x3[c] : m;
        yo[c] = m;
        ao[c] = at;
      }
    }
  }
}

// max_pool2d_backward with a record, where windows_inside and windows do not overlap (steps at least the window):
// each input element gets its window's gradient or 0, written once, window by window.
void max_pool2d_backward_disjoint(const Pool2D& p, const float* argmax, const float* dy, float* dx) {
  const int64_t C = p.c, K = p.kh * p.kw;
  if (p.sh == p.kh && p.sw == p.kw) {
    // Windows tile the array but for the last rows and columns of odd sizes (11 -> 5): zero just those.
    const int64_t tail_rows = p.h - p.oh * p.kh, tail_cols = p.w - p.ow * p.kw;
    for (int64_t b = 0; b < p.n && (tail_rows > 0 || tail_cols > 0); ++b) {
      float* img = dx + b * p.h * p.w * C;
      if (tail_rows > 0)
        std::memset(img + p.oh * p.kh * p.w * C, 0, static_cast<size_t>(tail_rows * p.w * C) * sizeof(float));
      for (int64_t iy = 0; tail_cols > 0 && iy < p.oh * p.kh; ++iy)
        std::memset(img + (iy * p.w + p.ow * p.kw) * C, 0, static_cast<size_t>(tail_cols * C) * sizeof(float));
    }
  } else {
    std::memset(dx, 0, static_cast<size_t>(p.n * p.h * p.w * C) * sizeof(float));  // gaps between windows
  }
  const int64_t rows = p.n * p.oh;
#pragma omp parallel for if (rows * p.ow * C * K > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = r / p.oh, oy = r % p.oh;
    for (int64_t ox = 0; ox < p.ow; ++ox) {
      const int64_t o = (r * p.ow + ox) * C;
      const float* __restrict a = argmax + o;
      const float* __restrict g = dy + o;
      for (int64_t ky = 0; ky < p.kh; ++ky)
        for (int64_t kx = 0; kx < p.kw; ++kx) {
          float* __restrict d = dx + ((b * p.h + oy * p.sh + ky) * p.w + ox * p.sw + kx) * C;
          const auto k = static_cast<float>(ky * p.kw + kx);
#pragma omp simd
          for (int64_t c = 0; c < C; ++c) d[c] = a[c] == k ? g[c] : 0.0f;
        }
    }
  }
}

}  // namespace

void max_pool2d(const Pool2D& p, const float* x, float* y, float* argmax) {
  if (windows_inside(p) && p.kh == 2 && p.kw == 2) return max_pool2d_2x2(p, x, y, argmax);
  const int64_t C = p.c, rows = p.n * p.oh;
#pragma omp parallel for if (rows * p.ow * C * p.kh * p.kw > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = r / p.oh, oy = r % p.oh;
    int64_t y0, ky0, ky1;
    clip_window(oy, p.sh, p.pad_top, p.kh, p.h, y0, ky0, ky1);
    for (int64_t ox = 0; ox < p.ow; ++ox) {
      int64_t x0, kx0, kx1;
      clip_window(ox, p.sw, p.pad_left, p.kw, p.w, x0, kx0, kx1);
      float* __restrict yo = y + (r * p.ow + ox) * C;
      float* __restrict ao = argmax ? argmax + (r * p.ow + ox) * C : nullptr;
      bool first = true;
      for (int64_t ky = ky0; ky < ky1; ++ky) {
        for (int64_t kx = kx0; kx < kx1; ++kx) {
          const float* __restrict xi = x + ((b * p.h + y0 + ky) * p.w + x0 + kx) * C;
          const float k = static_cast<float>(ky * p.kw + kx);
          if (first) {
            for (int64_t c = 0; c < C; ++c) yo[c] = xi[c];
            if (ao)
              for (int64_t c = 0; c < C; ++c) ao[c] = k;
            first = false;
          } else if (ao) {
            for (int64_t c = 0; c < C; ++c) {
              const bool gt = xi[c] > yo[c];  // strict: the first maximum wins ties
              yo[c] = gt ? xi[c] : yo[c];
              ao[c] = gt ? k : ao[c];
            }
          } else {
            for (int64_t c = 0; c < C; ++c) yo[c] = xi[c] > yo[c] ? xi[c] : yo[c];
          }
        }
      }
    }
  }
}

void max_pool2d_backward(const Pool2D& p, const float* x, const float* argmax, const float* dy, float* dx) {
  std::vector<float> found_y, found_arg;
  if (!argmax) {
    const size_t n = static_cast<size_t>(p.n * p.oh * p.ow * p.c);
    found_y.resize(n);
    found_arg.resize(n);
    max_pool2d(p, x, found_y.data(), found_arg.data());
    argmax = found_arg.data();
  }
  if (windows_inside(p) && p.sh >= p.kh && p.sw >= p.kw) return max_pool2d_backward_disjoint(p, argmax, dy, dx);
  const int64_t C = p.c, rows = p.n * p.h;
  // Gather: each input pixel sums the gradients of the windows whose maximum it is, so rows are independent.
#pragma omp parallel for if (rows * p.w * C > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = r / p.h, iy = r % p.h;
    int64_t oy_lo, oy_hi;
    covering_outputs(iy, p.sh, p.pad_top, p.kh, p.oh, oy_lo, oy_hi);
    for (int64_t ix = 0; ix < p.w; ++ix) {
      float* __restrict d = dx + (r * p.w + ix) * C;
      for (int64_t c = 0; c < C; ++c) d[c] = 0.0f;
      int64_t ox_lo, ox_hi;
      covering_outputs(ix, p.sw, p.pad_left, p.kw, p.ow, ox_lo, ox_hi);
      for (int64_t oy = oy_lo; oy <= oy_hi; ++oy) {
        const int64_t ky = iy - (oy * p.sh - p.pad_top);
        for (int64_t ox = ox_lo; ox <= ox_hi; ++ox) {
          const float k = static_cast<float>(ky * p.kw + ix - (ox * p.sw - p.pad_left));
          const int64_t o = ((b * p.oh + oy) * p.ow + ox) * C;
          const float* __restrict a = argmax + o;
          const float* __restrict g = dy + o;
          for (int64_t c = 0; c < C; ++c) d[c] += a[c] == k ? g[c] : 0.0f;
        }
      }
    }
  }
}

void avg_pool2d(const Pool2D& p, const float* x, float* y) {
  const int64_t C = p.c, rows = p.n * p.oh;
#pragma omp parallel for if (rows * p.ow * C * p.kh * p.kw > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = r / p.oh, oy = r % p.oh;
    int64_t y0, ky0, ky1;
    clip_window(oy, p.sh, p.pad_top, p.kh, p.h, y0, ky0, ky1);
    for (int64_t ox = 0; ox < p.ow; ++ox) {
      int64_t x0, kx0, kx1;
      clip_window(ox, p.sw, p.pad_left, p.kw, p.w, x0, kx0, kx1);
      float* __restrict yo = y + (r * p.ow + ox) * C;
      for (int64_t c = 0; c < C; ++c) yo[c] = 0.0f;
      for (int64_t ky = ky0; ky < ky1; ++ky)
        for (int64_t kx = kx0; kx < kx1; ++kx) {
          const float* __restrict xi = x + ((b * p.h + y0 + ky) * p.w + x0 + kx) * C;
          for (int64_t c = 0; c < C; ++c) yo[c] += xi[c];
        }
      const float inv = 1.0f / static_cast<float>((ky1 - ky0) * (kx1 - kx0));
      for (int64_t c = 0; c < C; ++c) yo[c] *= inv;
    }
  }
}

void avg_pool2d_backward(const Pool2D& p, const float* dy, float* dx) {
  // 1 / (number of window elements inside the array), separable into rows and columns.
  std::vector<float> inv_rows(static_cast<size_t>(p.oh)), inv_cols(static_cast<size_t>(p.ow));
  for (int64_t oy = 0; oy < p.oh; ++oy) {
    int64_t s, k0, k1;
    clip_window(oy, p.sh, p.pad_top, p.kh, p.h, s, k0, k1);
    inv_rows[static_cast<size_t>(oy)] = 1.0f / static_cast<float>(k1 - k0);
  }
  for (int64_t ox = 0; ox < p.ow; ++ox) {
    int64_t s, k0, k1;
    clip_window(ox, p.sw, p.pad_left, p.kw, p.w, s, k0, k1);
    inv_cols[static_cast<size_t>(ox)] = 1.0f / static_cast<float>(k1 - k0);
  }
  const int64_t C = p.c, rows = p.n * p.h;
#pragma omp parallel for if (rows * p.w * C > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = r / p.h, iy = r % p.h;
    int64_t oy_lo, oy_hi;
    covering_outputs(iy, p.sh, p.pad_top, p.kh, p.oh, oy_lo, oy_hi);
    for (int64_t ix = 0; ix < p.w; ++ix) {
      float* __restrict d = dx + (r * p.w + ix) * C;
      for (int64_t c = 0; c < C; ++c) d[c] = 0.0f;
      int64_t ox_lo, ox_hi;
      covering_outputs(ix, p.sw, p.pad_left, p.kw, p.ow, ox_lo, ox_hi);
      for (int64_t oy = oy_lo; oy <= oy_hi; ++oy)
        for (int64_t ox = ox_lo; ox <= ox_hi; ++ox) {
          const float w = inv_rows[static_cast<size_t>(oy)] * inv_cols[static_cast<size_t>(ox)];
          const float* __restrict g = dy + ((b * p.oh + oy) * p.ow + ox) * C;
          for (int64_t c = 0; c < C; ++c) d[c] += w * g[c];
        }
    }
  }
}

namespace {

// The two passes of a 3-D pooling: each depth slice's (h, w) planes, (n * d, h, w, c) -> (n * d, oh, ow, c); then
// across depth, that result as (n, d, 1, oh * ow * c) -> (n, od, 1, oh * ow * c).
Pool2D planes_pass(const Pool3D& p) {
  Pool2D q = p.plane;
  q.n *= p.d;
  return q;
}

Pool2D depth_pass(const Pool3D& p) {
  Pool2D q;
  q.n = p.plane.n, q.c = p.plane.oh * p.plane.ow * p.plane.c;
  q.h = p.d, q.oh = p.od, q.kh = p.kd, q.sh = p.sd, q.pad_top = p.pad_front;
  q.w = q.ow = 1;
  return q;
}

std::vector<float> planes_buffer(const Pool3D& p) {
  return std::vector<float>(static_cast<size_t>(p.plane.n * p.d * p.plane.oh * p.plane.ow * p.plane.c));
}

}  // namespace

void pool3d(const Pool3D& p, bool max, const float* x, float* y) {
  std::vector<float> planes = planes_buffer(p);
  if (max) {
    max_pool2d(planes_pass(p), x, planes.data(), nullptr);
    max_pool2d(depth_pass(p), planes.data(), y, nullptr);
  } else {
    avg_pool2d(planes_pass(p), x, planes.data());
    avg_pool2d(depth_pass(p), planes.data(), y);
  }
}

void pool3d_backward(const Pool3D& p, bool max, const float* x, const float* dy, float* dx) {
  std::vector<float> d_planes = planes_buffer(p);
  if (max) {
    std::vector<float> planes = planes_buffer(p);
    max_pool2d(planes_pass(p), x, planes.data(), nullptr);
    max_pool2d_backward(depth_pass(p), planes.data(), nullptr, dy, d_planes.data());
    max_pool2d_backward(planes_pass(p), x, nullptr, d_planes.data(), dx);
  } else {
    avg_pool2d_backward(depth_pass(p), dy, d_planes.data());
    avg_pool2d_backward(planes_pass(p), d_planes.data(), dx);
  }
}

void global_avg_pool(const float* x, float* y, int64_t outer, int64_t steps, int64_t inner) {
  const float inv = 1.0f / static_cast<float>(steps);
#pragma omp parallel for if (outer * steps * inner > kParallelWork)
  for (int64_t o = 0; o < outer; ++o) {
    const float* xo = x + o * steps * inner;
    float* __restrict yo = y + o * inner;
    if (inner == 1) {
      float s = 0.0f;
#pragma omp simd reduction(+ : s)
      for (int64_t t = 0; t < steps; ++t) s += xo[t];
      yo[0] = s * inv;
      continue;
    }
    for (int64_t c = 0; c < inner; ++c) yo[c] = 0.0f;
    for (int64_t t = 0; t < steps; ++t) {
      const float* __restrict xi = xo + t * inner;
      for (int64_t c = 0; c < inner; ++c) yo[c] += xi[c];
    }
    for (int64_t c = 0; c < inner; ++c) yo[c] *= inv;
  }
}

void global_avg_pool_backward(const float* dy, float* dx, int64_t outer, int64_t steps, int64_t inner) {
  const float inv = 1.0f / static_cast<float>(steps);
#pragma omp parallel for if (outer * steps * inner > kParallelWork)
  for (int64_t o = 0; o < outer; ++o) {
    const float* __restrict g = dy + o * inner;
    for (int64_t t = 0; t < steps; ++t) {
      float* __restrict d = dx + (o * steps + t) * inner;
      for (int64_t c = 0; c < inner; ++c) d[c] = g[c] * inv;
    }
  }
}

void global_max_pool(const float* x, float* y, int64_t outer, int64_t steps, int64_t inner) {
#pragma omp parallel for if (outer * steps * inner > kParallelWork)
  for (int64_t o = 0; o < outer; ++o) {
    const float* xo = x + o * steps * inner;
    float* __restrict yo = y + o * inner;
    if (inner == 1) {
      float m = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : m)
      for (int64_t t = 0; t < steps; ++t) m = std::max(m, xo[t]);
      yo[0] = m;
      continue;
    }
    for (int64_t c = 0; c < inner; ++c) yo[c] = -std::numeric_limits<float>::infinity();
    for (int64_t t = 0; t < steps; ++t) {
      const float* __restrict xi = xo + t * inner;
      for (int64_t c = 0; c < inner; ++c) yo[c] = xi[c] > yo[c] ? xi[c] : yo[c];
    }
  }
}

void global_max_pool_backward(const float* x, const float* dy, float* dx, int64_t outer, int64_t steps,
                              int64_t inner) {
#pragma omp parallel for if (outer * steps * inner > kParallelWork)
  for (int64_t o = 0; o < outer; ++o) {
    const float* xo = x + o * steps * inner;
    float* dxo = dx + o * steps * inner;
    const float* __restrict g = dy + o * inner;
    // The first maximum of each column: the step where it is, found in one pass.
    std::vector<float> best(static_cast<size_t>(inner), -std::numeric_limits<float>::infinity());
    std::vector<int64_t> at(static_cast<size_t>(inner), 0);
    for (int64_t t = 0; t < steps; ++t) {
      const float* __restrict xi = xo + t * inner;
      float* __restrict b = best.data();
      int64_t* __restrict a = at.data();
      for (int64_t c = 0; c < inner; ++c) {
        const bool gt = xi[c] > b[c];
        b[c] = gt ? xi[c] : b[c];
        a[c] = gt ? t : a[c];
      }
    }
    std::memset(dxo, 0, static_cast<size_t>(steps * inner) * sizeof(float));
    for (int64_t c = 0; c < inner; ++c) dxo[at[static_cast<size_t>(c)] * inner + c] = g[c];
  }
}

void copy_box2d(const Box2D& b, const float* src, float* dst, bool zero_rest) {
  const int64_t C = b.c;
  const size_t row_bytes = static_cast<size_t>(b.dst_w * C) * sizeof(float);
  const int64_t rows = b.n * b.dst_h;
#pragma omp parallel for if (rows * b.dst_w * C > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t n = r / b.dst_h, dr = r % b.dst_h;
    float* d = dst + r * b.dst_w * C;
    if (dr < b.dst_row || dr >= b.dst_row + b.rows) {
      if (zero_rest) std::memset(d, 0, row_bytes);
      continue;
    }
    const int64_t sr = dr - b.dst_row + b.src_row;
    if (zero_rest) {
      std::memset(d, 0, static_cast<size_t>(b.dst_col * C) * sizeof(float));
      const int64_t end = (b.dst_col + b.cols) * C;
      std::memset(d + end, 0, static_cast<size_t>(b.dst_w * C - end) * sizeof(float));
    }
    if (b.cols > 0)
      std::memcpy(d + b.dst_col * C, src + ((n * b.src_h + sr) * b.src_w + b.src_col) * C,
                  static_cast<size_t>(b.cols * C) * sizeof(float));
  }
}

void upsample_nearest2d(const float* x, float* y, int64_t n, int64_t h, int64_t w, int64_t c, int64_t fh,
                        int64_t fw) {
  const int64_t ow = w * fw, rows = n * h;
  const size_t row_bytes = static_cast<size_t>(ow * c) * sizeof(float);
#pragma omp parallel for if (rows * fh * ow * c > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    float* first = y + r * fh * ow * c;  // output row r * fh; (b * h + iy) * fh == b * oh + iy * fh
    const float* xi = x + r * w * c;
    for (int64_t ix = 0; ix < w; ++ix) {
      const float* __restrict s = xi + ix * c;
      for (int64_t k = 0; k < fw; ++k) {
        float* __restrict d = first + (ix * fw + k) * c;
        for (int64_t ch = 0; ch < c; ++ch) d[ch] = s[ch];
      }
    }
    for (int64_t k = 1; k < fh; ++k) std::memcpy(first + k * ow * c, first, row_bytes);
  }
}

void upsample_nearest2d_backward(const float* dy, float* dx, int64_t n, int64_t h, int64_t w, int64_t c, int64_t fh,
                                 int64_t fw) {
  const int64_t ow = w * fw, rows = n * h;
#pragma omp parallel for if (rows * fh * ow * c > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const float* g = dy + r * fh * ow * c;
    for (int64_t ix = 0; ix < w; ++ix) {
      float* __restrict d = dx + (r * w + ix) * c;
      for (int64_t ch = 0; ch < c; ++ch) d[ch] = 0.0f;
      for (int64_t ky = 0; ky < fh; ++ky)
        for (int64_t kx = 0; kx < fw; ++kx) {
          const float* __restrict s = g + (ky * ow + ix * fw + kx) * c;
          for (int64_t ch = 0; ch < c; ++ch) d[ch] += s[ch];
        }
    }
  }
}

namespace {

// Half-pixel sampling along one axis: output i reads inputs lo and hi with weight frac on hi.
struct Tap {
  int64_t lo, hi;
  float frac;
};

std::vector<Tap> bilinear_taps(int64_t in, int64_t out) {
  std::vector<Tap> taps(static_cast<size_t>(out));
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  for (int64_t i = 0; i < out; ++i) {
    const float src = (static_cast<float>(i) + 0.5f) * scale - 0.5f;
    const float fl = std::floor(src);
    Tap& t = taps[static_cast<size_t>(i)];
    t.lo = std::max<int64_t>(static_cast<int64_t>(fl), 0);
    t.hi = std::min<int64_t>(static_cast<int64_t>(std::ceil(src)), in - 1);
    t.frac = src - fl;
  }
  return taps;
}

}  // namespace

void resize_bilinear2d(const float* x, float* y, int64_t n, int64_t h, int64_t w, int64_t c, int64_t oh,
                       int64_t ow) {
  const std::vector<Tap> ty = bilinear_taps(h, oh), tx = bilinear_taps(w, ow);
  const int64_t rows = n * oh;
#pragma omp parallel for if (rows * ow * c > kParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = r / oh;
    const Tap& vy = ty[static_cast<size_t>(r % oh)];
    const float* top = x + (b * h + vy.lo) * w * c;
    const float* bottom = x + (b * h + vy.hi) * w * c;
    for (int64_t ox = 0; ox < ow; ++ox) {
      const Tap& vx = tx[static_cast<size_t>(ox)];
      const float* __restrict tl = top + vx.lo * c;
      const float* __restrict tr = top + vx.hi * c;
      const float* __restrict bl = bottom + vx.lo * c;
      const float* __restrict br = bottom + vx.hi * c;
      float* __restrict d = y + (r * ow + ox) * c;
      const float fy = vy.frac, fx = vx.frac;
      for (int64_t ch = 0; ch < c; ++ch) {
        const float t = tl[ch] + (tr[ch] - tl[ch]) * fx;
        const float bo = bl[ch] + (br[ch] - bl[ch]) * fx;
        d[ch] = t + (bo - t) * fy;
      }
    }
  }
}

void resize_bilinear2d_backward(const float* dy, float* dx, int64_t n, int64_t h, int64_t w, int64_t c, int64_t oh,
                                int64_t ow) {
  const std::vector<Tap> ty = bilinear_taps(h, oh), tx = bilinear_taps(w, ow);
  std::memset(dx, 0, static_cast<size_t>(n * h * w * c) * sizeof(float));
  // Scatter into the four taps; images are independent, so parallel over the batch.
#pragma omp parallel for if (n * oh * ow * c > kParallelWork)
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t oy = 0; oy < oh; ++oy) {
      const Tap& vy = ty[static_cast<size_t>(oy)];
      float* top = dx + (b * h + vy.lo) * w * c;
      float* bottom = dx + (b * h + vy.hi) * w * c;
      for (int64_t ox = 0; ox < ow; ++ox) {
        const Tap& vx = tx[static_cast<size_t>(ox)];
        const float* g = dy + ((b * oh + oy) * ow + ox) * c;
        const float wtl = (1 - vy.frac) * (1 - vx.frac), wtr = (1 - vy.frac) * vx.frac;
        const float wbl = vy.frac * (1 - vx.frac), wbr = vy.frac * vx.frac;
        // The taps may coincide at the edges, so no __restrict here.
        for (int64_t ch = 0; ch < c; ++ch) {
          top[vx.lo * c + ch] += wtl * g[ch];
          top[vx.hi * c + ch] += wtr * g[ch];
          bottom[vx.lo * c + ch] += wbl * g[ch];
          bottom[vx.hi * c + ch] += wbr * g[ch];
        }
      }
    }
  }
}

}  // namespace keras::backend
