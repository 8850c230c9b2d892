#pragma once
// Vectorisable float math for the activation kernels. glibc's expf/tanhf/erff are not vectorised unless
// -ffast-math is on, so loops over them run one element at a time; these inline versions (Cephes-style range
// reduction and polynomials, select-based branches) compile to SIMD code under `#pragma omp simd`.
// Accuracy: a few ulp (exp, log1p, tanh), ~1e-7 relative (erfc); NaN propagates, +-inf saturate.
#include <bit>
#include <cmath>
#include <cstdint>

namespace keras::activations::vm {

// Forced inlining: the loops vectorise only when every call in their body is inlined.
#define KERAS_VM_INLINE inline __attribute__((always_inline))

// c ? a : b without a branch. The build keeps -ftrapping-math, under which GCC will not if-convert a ?: whose arms
// do float arithmetic (or a chain of float comparisons), so loops written with ?: stay scalar; this bitwise select
// always vectorises (to a blend).
KERAS_VM_INLINE float sel(bool c, float a, float b) {
  const uint32_t m = 0u - static_cast<uint32_t>(c);
  return std::bit_cast<float>((std::bit_cast<uint32_t>(a) & m) | (std::bit_cast<uint32_t>(b) & ~m));
}

// 2^k for k in [-126, 127].
KERAS_VM_INLINE float pow2i(int32_t k) { return std::bit_cast<float>(static_cast<uint32_t>(k + 127) << 23); }

KERAS_VM_INLINE float exp(float x) {
  constexpr float kHi = 88.72283935546875f;  // ln(FLT_MAX)
  constexpr float kLo = -103.972076416f;     // below: underflows to 0 (also in float's denormals)
  float xc = sel(x > kHi, kHi, x);
  xc = sel(xc < kLo, kLo, xc);
  xc = sel(x != x, 0.0f, xc);
  // Round to nearest by adding and subtracting 1.5 * 2^23 (floor does not vectorise under -ftrapping-math).
  const float fx = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = xc - fx * 0.693359375f;
  r = r + fx * 2.12194440e-4f;
  const float z = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * z + r + 1.0f;
  // Scale by 2^n in two steps so that n in [-150, 128] stays representable.
  const int32_t n = static_cast<int32_t>(fx);
  const int32_t n1 = n / 2;
  const int32_t n2 = n - n1;
  float out = p * pow2i(n1) * pow2i(n2);
  out = sel(x > kHi, HUGE_VALF, out);
  out = sel(x < kLo, 0.0f, out);
  return sel(x != x, x, out);
}

// exp(x) - 1, accurate near 0.
KERAS_VM_INLINE float expm1(float x) {
  // Taylor series on |x| < 0.5 (error < 1e-8 relative), exp(x) - 1 elsewhere.
  float p = 1.0f / 362880.0f;
  p = p * x + 1.0f / 40320.0f;
  p = p * x + 1.0f / 5040.0f;
  p = p * x + 1.0f / 720.0f;
  p = p * x + 1.0f / 120.0f;
  p = p * x + 1.0f / 24.0f;
  p = p * x + 1.0f / 6.0f;
  p = p * x + 0.5f;
  p = p * x * x + x;
  const float big = vm::exp(x) - 1.0f;
  return sel(std::fabs(x) < 0.5f, p, big);
}

// log(w) for w in [1, 2] (and any positive normal float).
KERAS_VM_INLINE float log_pos(float w) {
  const uint32_t bits = std::bit_cast<uint32_t>(w);
  float e = static_cast<float>(static_cast<int32_t>((bits >> 23) & 0xffu) - 126);
  float m = std::bit_cast<float>((bits & 0x807fffffu) | 0x3f000000u);  // in [0.5, 1)
  const bool small = m < 0.707106781186547524f;
  e = sel(small, e - 1.0f, e);
  const float x = sel(small, m + m - 1.0f, m - 1.0f);
  const float z = x * x;
  float y = 7.0376836292e-2f;
  y = y * x - 1.1514610310e-1f;
  y = y * x + 1.1676998740e-1f;
  y = y * x - 1.2420140846e-1f;
  y = y * x + 1.4249322787e-1f;
  y = y * x - 1.6668057665e-1f;
  y = y * x + 2.0000714765e-1f;
  y = y * x - 2.4999993993e-1f;
  y = y * x + 3.3333331174e-1f;
  y = y * x * z;
  y += -2.12194440e-4f * e;
  y += -0.5f * z;
  return x + y + 0.693359375f * e;
}

// log(1 + u) for u >= 0, accurate for tiny u.
KERAS_VM_INLINE float log1p_pos(float u) {
  const float w = 1.0f + u;
  const float d = w - 1.0f;
  const float l = log_pos(w) * (u / sel(d == 0.0f, 1.0f, d));
  return sel(d == 0.0f, u, l);
}

// log(1 + exp(x)) without overflow.
KERAS_VM_INLINE float softplus(float x) {
  const float a = std::fabs(x);
  const float r = sel(x > 0.0f, x, 0.0f) + log1p_pos(vm::exp(-a));
  return sel(x != x, x, r);
}

KERAS_VM_INLINE float sigmoid(float x) { return 1.0f / (1.0f + vm::exp(-x)); }

KERAS_VM_INLINE float tanh(float x) {
  const float a = std::fabs(x);
  // Near 0: odd polynomial (Cephes tanhf); elsewhere 1 - 2 / (exp(2a) + 1).
  const float z = a * a;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * a + a;
  const float big = 1.0f - 2.0f / (vm::exp(2.0f * a) + 1.0f);
  const float r = sel(a < 0.625f, small, big);
  return sel(x < 0.0f, -r, r);
}

// erfc(z) for z >= 0, fractional error < 1.2e-7 (Chebyshev fit, Numerical Recipes' erfcc).
KERAS_VM_INLINE float erfc_pos(float z) {
  const float t = 1.0f / (1.0f + 0.5f * z);
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  return t * vm::exp(p - z * z);
}

// The standard normal CDF, Phi(x) = (1 + erf(x / sqrt(2))) / 2, accurate in both tails' relative sense.
KERAS_VM_INLINE float normal_cdf(float x) {
  const float h = 0.5f * erfc_pos(std::fabs(x) * 0.70710678118654752f);
  return sel(x < 0.0f, h, 1.0f - h);
}

}  // namespace keras::activations::vm
