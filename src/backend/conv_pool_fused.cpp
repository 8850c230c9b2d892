// The fused convolution + relu + 2x2 max pooling of conv_pool_fused.hpp, in AVX-512 intrinsics.
//
// Forward, per group of up to 64 filters: accumulators for the four convolution outputs of a pooling window times
// the group's 16-filter vectors (and for two or three windows at once when the group has only one or two vectors,
// so that each weight load serves more FMAs) take one FMA per tap with a broadcast input value; then bias, relu,
// the maximum and its position. Backward, per pooled pixel: the pooled gradient split four ways by the recorded
// positions (masked moves), each multiplied into up to 9 taps x 2 filter vectors of kernel-gradient accumulators that
// stay in registers over a thread's whole share of pixels. In the benchmark's cnn at batch 32 (28x28x1 -> 32, 3x3)
// on the project's 2-core Xeon, per training step: forward 73 us where oneDNN's convolution and the pooling took
// 145 + 63, backward 65 us where they took 234 + 111 (KERASPP_PROFILE_LAYERS).
//
// The plain convolution's kernel gradient (conv_backward_weights_few_channels) is backward without the pooling: every
// output position's gradient, read straight from the caller's channels_last array; its forward
// (conv_forward_few_channels) is forward without the pooling, one output pixel per accumulator row.
//
// The library is compiled for AVX2, so the kernels carry a target attribute and run only where the CPU has
// AVX-512 (conv_pool_fusable); elsewhere the layers run unfused. Per-thread partial gradients are summed in thread
// order, so results do not depend on scheduling.
#include "backend/conv_pool_fused.hpp"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include "backend/spatial.hpp"
#include "keras/core/tensor.hpp"

#define KERAS_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))

namespace keras::backend {

namespace {

std::atomic<bool> g_fusion{true};

constexpr int64_t kMaxChannels = 4, kMaxKernel = 7;
constexpr int kTapGroup = 9;        // kernel-gradient accumulators per filter vector in backward
constexpr unsigned char kNoGradient = 4;

// The input as the kernels read it: zero-padded when the convolution pads ("same"), else the caller's array.
struct Source {
  Tensor padded;
  const float* data = nullptr;
  int64_t h = 0, w = 0, c = 0;  // padded sizes
  const float* image(int64_t n) const { return data + n * h * w * c; }
};

Source source_of(const ConvPoolSpec& s, const float* x) {
  Source src;
  src.c = s.in_channels;
  src.h = s.in_h + s.pad_top + s.pad_bottom;
  src.w = s.in_w + s.pad_left + s.pad_right;
  if (s.pad_top == 0 && s.pad_bottom == 0 && s.pad_left == 0 && s.pad_right == 0) {
    src.data = x;
    return src;
  }
  src.padded = Tensor::empty({s.batch, src.h, src.w, src.c});
  float* p = src.padded.data();
  Box2D box;
  box.n = s.batch, box.c = src.c, box.src_h = s.in_h, box.src_w = s.in_w, box.dst_h = src.h, box.dst_w = src.w;
  box.dst_row = s.pad_top, box.dst_col = s.pad_left, box.rows = s.in_h, box.cols = s.in_w;
  copy_box2d(box, x, p, /*zero_rest=*/true);
  src.data = p;
  return src;
}

KERAS_AVX512 inline __mmask16 lanes(int64_t remaining) {
  return remaining >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << remaining) - 1u);
}

// max(0, v): a NaN stays NaN, as in the unfused layers. (The zero-masked form: GCC 12 warns that the plain
// _mm512_max_ps reads an undefined register.)
KERAS_AVX512 inline __m512 relu(__m512 v) { return _mm512_maskz_max_ps(0xFFFF, _mm512_setzero_ps(), v); }

// N accumulator vectors that stay in registers. GCC 12 keeps an array in registers only when no access to it uses a
// runtime index; loops over the accumulators (even short ones it unrolls) made it keep them in memory as well and
// store every one after each FMA. So they are only touched through update(f), a fold over compile-time indices:
// v[i] = f(std::integral_constant<size_t, i>(), v[i]). See also TapSums.
template <size_t N>
struct Accumulators {
  __m512 v[N];
  template <class F>
  KERAS_AVX512 void update(F&& f) {
    update(f, std::make_index_sequence<N>());
  }

 private:
  template <class F, size_t... i>
  KERAS_AVX512 void update(F& f, std::index_sequence<i...>) {
    ((v[i] = f(std::integral_constant<size_t, i>(), v[i])), ...);
  }
};

// Each tap's input, as an offset from the first input of the window it applies to; tap = (kh * kernel_w + kw) *
// in_channels + ci, Keras's kernel order.
std::vector<int64_t> tap_offsets(const ConvPoolSpec& s, const Source& src) {
  std::vector<int64_t> out;
  for (int64_t kh = 0; kh < s.kernel_h; ++kh)
    for (int64_t kw = 0; kw < s.kernel_w; ++kw)
      for (int64_t ci = 0; ci < src.c; ++ci) out.push_back((kh * src.w + kw) * src.c + ci);
  return out;
}

// One row of pooled outputs (fixed n, ph) for filters [c0, c0 + 16 * NB), the last vector possibly partial, PX pooled
// pixels at a time (each weight vector loaded once for all of them).
template <int NB, int PX>
KERAS_AVX512 void forward_row(const ConvPoolSpec& s, const Source& src, const int64_t* offsets, int64_t n, int64_t ph,
                              int64_t c0, const float* kernel, const float* bias, float* y, unsigned char* record) {
  const int64_t F = s.filters, C = src.c, W = src.w, out_w = s.out_w(), taps = s.kernel_h * s.kernel_w * C;
  __mmask16 m[NB];
  __m512 b[NB];
  for (int j = 0; j < NB; ++j) {
    m[j] = lanes(F - c0 - 16 * j);
    b[j] = bias ? _mm512_maskz_loadu_ps(m[j], bias + c0 + 16 * j) : _mm512_setzero_ps();
  }
  const float* image = src.image(n);
  // The inputs of pixel p's window q, from the first input of pixel 0's window.
  int64_t input[PX][4];
  for (int p = 0; p < PX; ++p) {
    const int64_t first = 2 * C * p, window[4] = {0, C, W * C, W * C + C};
    for (int q = 0; q < 4; ++q) input[p][q] = first + window[q];
  }
  const __m512 zero = _mm512_setzero_ps();
  int64_t pw = 0;
  auto run = [&](auto pixels) KERAS_AVX512 {
    constexpr int P = decltype(pixels)::value;
    // Accumulator (p * 4 + q) * NB + j: pooled pixel p, window position q, filter vector j.
    Accumulators<P * 4 * NB> sums;
    sums.update([&](auto, __m512) KERAS_AVX512 { return zero; });
    const float* corner = image + (2 * ph * W + 2 * pw) * C;
    const float* k = kernel + c0;
    for (int64_t t = 0; t < taps; ++t, k += F) {
      __m512 w[NB];
      for (int j = 0; j < NB; ++j) w[j] = _mm512_maskz_loadu_ps(m[j], k + 16 * j);
      const float* xt = corner + offsets[t];
      sums.update([&](auto i, __m512 a) KERAS_AVX512 {
        constexpr size_t pq = decltype(i)::value / NB, j = decltype(i)::value % NB;
        return _mm512_fmadd_ps(_mm512_set1_ps(xt[input[pq / 4][pq % 4]]), w[j], a);
      });
    }
    __m512 acc[P][4][NB];  // a copy the epilogue's loops may index
    sums.update([&](auto i, __m512 a) KERAS_AVX512 {
      constexpr size_t pq = decltype(i)::value / NB, j = decltype(i)::value % NB;
      acc[pq / 4][pq % 4][j] = a;
      return a;
    });
    for (int p = 0; p < P; ++p) {
      const int64_t at = ((n * s.out_h() + ph) * out_w + pw + p) * F + c0;
      for (int j = 0; j < NB; ++j) {
        __m512 best = relu(_mm512_add_ps(acc[p][0][j], b[j]));
        __m512i where = _mm512_setzero_si512();
        for (int q = 1; q < 4; ++q) {
          const __m512 v = relu(_mm512_add_ps(acc[p][q][j], b[j]));
          const __mmask16 above = _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ);  // strictly: the first maximum wins
          best = _mm512_mask_mov_ps(best, above, v);
          where = _mm512_mask_mov_epi32(where, above, _mm512_set1_epi32(q));
        }
        _mm512_mask_storeu_ps(y + at + 16 * j, m[j], best);
        if (record) {
          const __mmask16 none = _mm512_cmp_ps_mask(best, zero, _CMP_LE_OQ);
          where = _mm512_mask_mov_epi32(where, none, _mm512_set1_epi32(kNoGradient));
          _mm512_mask_cvtepi32_storeu_epi8(record + at + 16 * j, m[j], where);
        }
      }
    }
    pw += P;
  };
  while (pw + PX <= out_w) run(std::integral_constant<int, PX>());
  while (pw < out_w) run(std::integral_constant<int, 1>());
}

// P output pixels of a plain convolution from the one whose window starts at corner, filters [c0, c0 + 16 * NB) (the
// last vector masked by m): the sums over all taps, then bias and, with with_relu, relu, stored at out (the first
// pixel's first filter).
template <int NB, int P>
KERAS_AVX512 void plain_pixels(const float* corner, const int64_t* offsets, int64_t taps, int64_t C, const float* k,
                               int64_t F, const __mmask16* m, const __m512* b, bool with_relu, float* out) {
  Accumulators<P * NB> acc;  // acc p * NB + j: pixel p, filter vector j
  acc.update([](auto, __m512) KERAS_AVX512 { return _mm512_setzero_ps(); });
  for (int64_t t = 0; t < taps; ++t, k += F) {
    __m512 w[NB];
    for (int j = 0; j < NB; ++j) w[j] = _mm512_maskz_loadu_ps(m[j], k + 16 * j);
    const float* xt = corner + offsets[t];
    acc.update([&](auto i, __m512 a) KERAS_AVX512 {
      constexpr int64_t p = decltype(i)::value / NB, j = decltype(i)::value % NB;
      return _mm512_fmadd_ps(_mm512_set1_ps(xt[p * C]), w[j], a);
    });
  }
  acc.update([&](auto i, __m512 a) KERAS_AVX512 {
    constexpr int64_t p = decltype(i)::value / NB, j = decltype(i)::value % NB;
    const __m512 v = _mm512_add_ps(a, b[j]);
    _mm512_mask_storeu_ps(out + p * F + 16 * j, m[j], with_relu ? relu(v) : v);
    return a;
  });
}

// One row of a plain convolution's outputs (fixed n, oh) for filters [c0, c0 + 16 * NB), PX output pixels at a time
// (each weight vector loaded once for all of them).
template <int NB, int PX>
KERAS_AVX512 void plain_row(const ConvPoolSpec& s, const Source& src, const int64_t* offsets, int64_t n, int64_t oh,
                            int64_t c0, const float* kernel, const float* bias, bool with_relu, float* y) {
  const int64_t F = s.filters, C = src.c, conv_w = s.conv_w(), taps = s.kernel_h * s.kernel_w * C;
  __mmask16 m[NB];
  __m512 b[NB];
  for (int j = 0; j < NB; ++j) {
    m[j] = lanes(F - c0 - 16 * j);
    b[j] = bias ? _mm512_maskz_loadu_ps(m[j], bias + c0 + 16 * j) : _mm512_setzero_ps();
  }
  const float* row = src.image(n) + oh * src.w * C;
  float* out = y + (n * s.conv_h() + oh) * conv_w * F + c0;
  int64_t ow = 0;
  for (; ow + PX <= conv_w; ow += PX)
    plain_pixels<NB, PX>(row + ow * C, offsets, taps, C, kernel + c0, F, m, b, with_relu, out + ow * F);
  for (; ow < conv_w; ++ow)
    plain_pixels<NB, 1>(row + ow * C, offsets, taps, C, kernel + c0, F, m, b, with_relu, out + ow * F);
}

// Output pixels per call for NB filter vectors (index NB): each weight vector is loaded once for all of them.
// Measured with the accumulators in registers, 32 images 28x28x1 -> 16 filters: plain 8 pixels 41 us, 12: 43 us,
// 16: 56 us; pooled 3 pixels 42 us, 4 to 6 the same.
constexpr int kPooledPixels[] = {0, 3, 2, 1, 1};
constexpr int kPlainPixels[] = {0, 8, 8, 5, 4};

// Where T taps (from tap t0; tap = (kh * kernel_w + kw) * in_channels + ci, Keras's kernel order) read their input,
// and which lanes of NB filter vectors (from filter c0) exist.
template <int NB, int T>
struct TapGeometry {
  __mmask16 m[NB];
  int64_t offset[T];  // each tap's input, from the input at the output position's window corner
  KERAS_AVX512 TapGeometry(const ConvPoolSpec& s, const Source& src, int64_t c0, int64_t t0) {
    for (int j = 0; j < NB; ++j) m[j] = lanes(s.filters - c0 - 16 * j);
    for (int t = 0; t < T; ++t) {
      const int64_t tap = t0 + t, ci = tap % src.c, kw = (tap / src.c) % s.kernel_w, kh = tap / src.c / s.kernel_w;
      offset[t] = (kh * src.w + kw) * src.c + ci;
    }
  }
};

// Kernel-gradient sums for T taps x NB filter vectors, and the bias's, kept in registers over a block of output
// positions and then added into dk (taps x filters) and db.
//
// Every access to the accumulators has a compile-time index (template arguments, no loops), and the masks and
// offsets that loops do index live in TapGeometry. GCC 12 keeps an object in registers only when no access to it
// uses a runtime index: with loops over the taps it kept the accumulators in memory too and stored every one after
// each FMA, and the kernels ran at a third of the FMA rate (kernel gradient of 32 images 28x28x1 -> 32 filters:
// plain 101 us, now 52; fused with the pooling 54, now 51; same results to the bit).
template <int NB, int T>
struct TapSums {
  static_assert(NB == 1 || NB == 2, "the kernel gradient takes filters 16 or 32 at a time");
  const TapGeometry<NB, T> geo;
  __m512 acc[T * NB], bias[NB];  // acc[t * NB + j]: tap t, filter vector j

  KERAS_AVX512 TapSums(const ConvPoolSpec& s, const Source& src, int64_t c0, int64_t t0) : geo(s, src, c0, t0) {
    zero(std::make_index_sequence<T * NB>());
    bias[0] = _mm512_setzero_ps();
    if constexpr (NB == 2) bias[1] = _mm512_setzero_ps();
  }
  KERAS_AVX512 void add_bias(const __m512* g) {
    bias[0] = _mm512_add_ps(bias[0], g[0]);
    if constexpr (NB == 2) bias[1] = _mm512_add_ps(bias[1], g[1]);
  }
  // The gradient g of the output position whose window starts at corner.
  KERAS_AVX512 void add(const float* corner, const __m512* g) { add_taps(corner, g, std::make_index_sequence<T>()); }
  KERAS_AVX512 void store(int64_t F, int64_t c0, int64_t t0, bool with_bias, float* dk, float* db) const {
    store_taps(dk + t0 * F + c0, F, std::make_index_sequence<T * NB>());
    if (with_bias) {
      add_into(db + c0, 0, bias[0]);
      if constexpr (NB == 2) add_into(db + c0, 1, bias[1]);
    }
  }

 private:
  template <size_t... i>
  KERAS_AVX512 void zero(std::index_sequence<i...>) {
    ((acc[i] = _mm512_setzero_ps()), ...);
  }
  template <size_t... t>
  KERAS_AVX512 void add_taps(const float* corner, const __m512* g, std::index_sequence<t...>) {
    (add_tap<t>(corner[geo.offset[t]], g), ...);
  }
  template <size_t t>
  KERAS_AVX512 void add_tap(float x, const __m512* g) {
    const __m512 xv = _mm512_set1_ps(x);
    acc[t * NB] = _mm512_fmadd_ps(xv, g[0], acc[t * NB]);
    if constexpr (NB == 2) acc[t * NB + 1] = _mm512_fmadd_ps(xv, g[1], acc[t * NB + 1]);
  }
  template <size_t... i>
  KERAS_AVX512 void store_taps(float* dk, int64_t F, std::index_sequence<i...>) const {
    (add_into(dk + static_cast<int64_t>(i / NB) * F, i % NB, acc[i]), ...);
  }
  // out[16 * j + lane] += v[lane] over the lanes that exist.
  KERAS_AVX512 void add_into(float* out, size_t j, __m512 v) const {
    out += 16 * j;
    _mm512_mask_storeu_ps(out, geo.m[j], _mm512_add_ps(_mm512_maskz_loadu_ps(geo.m[j], out), v));
  }
};

// Kernel-gradient partial sums over pooled rows [r0, r1) (row = n * out_h + ph), for filters [c0, c0 + 16 * NB) and
// the T taps starting at tap t0 (tap = (kh * kernel_w + kw) * in_channels + ci, Keras's kernel order), added into
// dk (taps x filters) and, when with_bias, the bias gradient into db.
template <int NB, int T>
KERAS_AVX512 void backward_block(const ConvPoolSpec& s, const Source& src, const unsigned char* record,
                                 const float* dy, int64_t r0, int64_t r1, int64_t c0, int64_t t0, bool with_bias,
                                 float* dk, float* db) {
  const int64_t F = s.filters, C = src.c, W = src.w, out_h = s.out_h(), out_w = s.out_w();
  TapSums<NB, T> sums(s, src, c0, t0);
  const int64_t window[4] = {0, C, W * C, W * C + C};
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t n = r / out_h, ph = r % out_h;
    const float* image = src.image(n);
    for (int64_t pw = 0; pw < out_w; ++pw) {
      const int64_t at = (r * out_w + pw) * F + c0;
      __m512 g[NB], counted[NB];  // counted: the gradient of windows whose maximum passed relu
      __m128i where[NB];
      for (int j = 0; j < NB; ++j) {
        g[j] = _mm512_maskz_loadu_ps(sums.geo.m[j], dy + at + 16 * j);
        where[j] = _mm_maskz_loadu_epi8(sums.geo.m[j], record + at + 16 * j);
        counted[j] = _mm512_maskz_mov_ps(_mm_cmplt_epu8_mask(where[j], _mm_set1_epi8(kNoGradient)), g[j]);
      }
      if (with_bias) sums.add_bias(counted);
      const float* corner = image + (2 * ph * W + 2 * pw) * C;
      for (int q = 0; q < 4; ++q) {
        __m512 gq[NB];
        for (int j = 0; j < NB; ++j)
          gq[j] = _mm512_maskz_mov_ps(_mm_cmpeq_epi8_mask(where[j], _mm_set1_epi8(static_cast<char>(q))), g[j]);
        sums.add(corner + window[q], gq);
      }
    }
  }
  sums.store(F, c0, t0, with_bias, dk, db);
}

template <int NB>
void backward_taps(int taps, const ConvPoolSpec& s, const Source& src, const unsigned char* record, const float* dy,
                   int64_t r0, int64_t r1, int64_t c0, int64_t t0, bool with_bias, float* dk, float* db) {
  switch (taps) {
#define KERAS_TAPS(T) \
  case T: backward_block<NB, T>(s, src, record, dy, r0, r1, c0, t0, with_bias, dk, db); break;
    KERAS_TAPS(1) KERAS_TAPS(2) KERAS_TAPS(3) KERAS_TAPS(4) KERAS_TAPS(5) KERAS_TAPS(6) KERAS_TAPS(7) KERAS_TAPS(8)
    default: backward_block<NB, kTapGroup>(s, src, record, dy, r0, r1, c0, t0, with_bias, dk, db); break;
#undef KERAS_TAPS
  }
}

// Kernel-gradient partial sums of a plain convolution over output rows [r0, r1) (row = n * conv_h + oh), filters
// [c0, c0 + 16 * NB), taps [t0, t0 + T): as backward_block, with every output position taking its own gradient.
template <int NB, int T>
KERAS_AVX512 void weights_block(const ConvPoolSpec& s, const Source& src, const float* dy, int64_t r0, int64_t r1,
                                int64_t c0, int64_t t0, bool with_bias, float* dk, float* db) {
  const int64_t F = s.filters, C = src.c, W = src.w, conv_h = s.conv_h(), conv_w = s.conv_w();
  TapSums<NB, T> sums(s, src, c0, t0);
  for (int64_t r = r0; r < r1; ++r) {
    const float* row = src.image(r / conv_h) + (r % conv_h) * W * C;
    const float* g_row = dy + r * conv_w * F + c0;
    for (int64_t ow = 0; ow < conv_w; ++ow) {
      __m512 g[NB];
      for (int j = 0; j < NB; ++j) g[j] = _mm512_maskz_loadu_ps(sums.geo.m[j], g_row + ow * F + 16 * j);
      sums.add_bias(g);
      sums.add(row + ow * C, g);
    }
  }
  sums.store(F, c0, t0, with_bias, dk, db);
}

template <int NB>
void weights_taps(int taps, const ConvPoolSpec& s, const Source& src, const float* dy, int64_t r0, int64_t r1,
                  int64_t c0, int64_t t0, bool with_bias, float* dk, float* db) {
  switch (taps) {
#define KERAS_TAPS(T) \
  case T: weights_block<NB, T>(s, src, dy, r0, r1, c0, t0, with_bias, dk, db); break;
    KERAS_TAPS(1) KERAS_TAPS(2) KERAS_TAPS(3) KERAS_TAPS(4) KERAS_TAPS(5) KERAS_TAPS(6) KERAS_TAPS(7) KERAS_TAPS(8)
    default: weights_block<NB, kTapGroup>(s, src, dy, r0, r1, c0, t0, with_bias, dk, db); break;
#undef KERAS_TAPS
  }
}

// The kernel gradient's work split: each thread takes a share of `rows` and, for every group of up to 32 filters (one
// or two vectors) and kTapGroup taps, calls block(r0, r1, c0, t0, taps_in_group, two_vectors, with_bias, dk, db) into
// its own zeroed partial gradients; the partials are then added into dkernel and dbias (either may be null) in
// thread order, so results do not depend on scheduling.
template <class Block>
void kernel_gradient_by_threads(const ConvPoolSpec& s, int64_t rows, float* dkernel, float* dbias, Block&& block) {
  const int64_t taps = s.kernel_h * s.kernel_w * s.in_channels, F = s.filters;
  const int threads = std::max(1, std::min<int>(omp_get_max_threads(), static_cast<int>(rows)));
  const int64_t part = taps * F + F;  // a thread's kernel (taps x F), then bias (F)
  std::vector<float> partial(static_cast<size_t>(part * threads), 0.0f);
#pragma omp parallel num_threads(threads)
  {
    const int id = omp_get_thread_num(), count = omp_get_num_threads();
    float* dk = partial.data() + part * id;
    const int64_t r0 = rows * id / count, r1 = rows * (id + 1) / count;
    for (int64_t c0 = 0; c0 < F; c0 += 32)
      for (int64_t t0 = 0; t0 < taps; t0 += kTapGroup)
        block(r0, r1, c0, t0, static_cast<int>(std::min<int64_t>(kTapGroup, taps - t0)), F - c0 > 16,
              dbias && t0 == 0, dk, dk + taps * F);
  }
  for (int id = 0; id < threads; ++id) {
    const float* dk = partial.data() + part * id;
    if (dkernel)
      for (int64_t i = 0; i < taps * F; ++i) dkernel[i] += dk[i];
    if (dbias)
      for (int64_t c = 0; c < F; ++c) dbias[c] += dk[taps * F + c];
  }
}

// A forward's work split: every output row (n, row < rows_per_image) and group of up to 64 filters, in parallel, as
// row(NB, src, tap offsets, n, row, c0), NB (a std::integral_constant) the group's 1 to 4 filter vectors.
template <class Row>
void forward_by_rows(const ConvPoolSpec& s, const float* x, int64_t rows_per_image, Row&& row) {
  const Source src = source_of(s, x);
  const std::vector<int64_t> offsets = tap_offsets(s, src);
  const int64_t rows = s.batch * rows_per_image;
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c0 = 0; c0 < s.filters; c0 += 64) {
      const int64_t n = r / rows_per_image, at = r % rows_per_image;
      switch ((std::min<int64_t>(64, s.filters - c0) + 15) / 16) {
        case 1: row(std::integral_constant<int, 1>(), src, offsets.data(), n, at, c0); break;
        case 2: row(std::integral_constant<int, 2>(), src, offsets.data(), n, at, c0); break;
        case 3: row(std::integral_constant<int, 3>(), src, offsets.data(), n, at, c0); break;
        default: row(std::integral_constant<int, 4>(), src, offsets.data(), n, at, c0); break;
      }
    }
}

bool cpu_has_avx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  return has;
}

}  // namespace

bool conv_pool_fusable(const ConvPoolSpec& s) {
  return conv_few_channels(s) && s.out_h() >= 1 && s.out_w() >= 1;
}

void set_conv_pool_fusion(bool on) { g_fusion = on; }

size_t conv_pool_record_bytes(const ConvPoolSpec& s) {
  return static_cast<size_t>(s.batch * s.out_h() * s.out_w() * s.filters);
}

void conv_relu_maxpool_forward(const ConvPoolSpec& s, const float* x, const float* kernel, const float* bias, float* y,
                               unsigned char* record) {
  forward_by_rows(s, x, s.out_h(), [&](auto nb, const Source& src, const int64_t* offsets, int64_t n, int64_t ph,
                                        int64_t c0) {
    constexpr int NB = decltype(nb)::value;
    forward_row<NB, kPooledPixels[NB]>(s, src, offsets, n, ph, c0, kernel, bias, y, record);
  });
}

void conv_relu_maxpool_backward(const ConvPoolSpec& s, const float* x, const unsigned char* record, const float* dy,
                                float* dkernel, float* dbias) {
  if (!dkernel && !dbias) return;
  const Source src = source_of(s, x);
  kernel_gradient_by_threads(s, s.batch * s.out_h(), dkernel, dbias,
                             [&](int64_t r0, int64_t r1, int64_t c0, int64_t t0, int taps, bool two, bool with_bias,
                                 float* dk, float* db) {
                               if (two) backward_taps<2>(taps, s, src, record, dy, r0, r1, c0, t0, with_bias, dk, db);
                               else backward_taps<1>(taps, s, src, record, dy, r0, r1, c0, t0, with_bias, dk, db);
                             });
}

bool conv_few_channels(const ConvPoolSpec& s) {
  return g_fusion && cpu_has_avx512() && s.in_channels >= 1 && s.in_channels <= kMaxChannels && s.filters >= 1 &&
         s.kernel_h >= 1 && s.kernel_h <= kMaxKernel && s.kernel_w >= 1 && s.kernel_w <= kMaxKernel && s.batch >= 1 &&
         s.conv_h() >= 1 && s.conv_w() >= 1;
}

void conv_forward_few_channels(const ConvPoolSpec& s, const float* x, const float* kernel, const float* bias,
                               bool with_relu, float* y) {
  forward_by_rows(s, x, s.conv_h(), [&](auto nb, const Source& src, const int64_t* offsets, int64_t n, int64_t oh,
                                         int64_t c0) {
    constexpr int NB = decltype(nb)::value;
    plain_row<NB, kPlainPixels[NB]>(s, src, offsets, n, oh, c0, kernel, bias, with_relu, y);
  });
}

void conv_backward_weights_few_channels(const ConvPoolSpec& s, const float* x, const float* dy, float* dkernel,
                                        float* dbias) {
  if (!dkernel && !dbias) return;
  const Source src = source_of(s, x);
  kernel_gradient_by_threads(s, s.batch * s.conv_h(), dkernel, dbias,
                             [&](int64_t r0, int64_t r1, int64_t c0, int64_t t0, int taps, bool two, bool with_bias,
                                 float* dk, float* db) {
                               if (two) weights_taps<2>(taps, s, src, dy, r0, r1, c0, t0, with_bias, dk, db);
                               else weights_taps<1>(taps, s, src, dy, r0, r1, c0, t0, with_bias, dk, db);
                             });
}

void conv_relu_maxpool_scatter(const ConvPoolSpec& s, const unsigned char* record, const float* dy, float* dz) {
  const int64_t F = s.filters, H = s.conv_h(), W = s.conv_w(), out_h = s.out_h(), out_w = s.out_w();
  std::memset(dz, 0, static_cast<size_t>(s.batch * H * W * F) * sizeof(float));
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < s.batch * out_h; ++r) {
    const int64_t n = r / out_h, ph = r % out_h;
    for (int64_t pw = 0; pw < out_w; ++pw)
      for (int64_t c = 0; c < F; ++c) {
        const int64_t at = (r * out_w + pw) * F + c;
        const unsigned char q = record[at];
        if (q == kNoGradient) continue;
        dz[((n * H + 2 * ph + q / 2) * W + 2 * pw + q % 2) * F + c] = dy[at];
      }
  }
}

}  // namespace keras::backend
