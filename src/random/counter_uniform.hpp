#pragma once
// Random numbers addressed by position: element i of the stream named `key` is a keyed hash of i. Unlike a
// sequential generator (std::mt19937_64 costs ~5 ns a draw and cannot be split), any element can be drawn
// independently, so a mask of a million values is drawn on every thread and in SIMD lanes. Callers take `key` from
// the seeded generator once per call, which keeps set_random_seed and per-layer seeds reproducible.
#include <cstdint>

namespace keras::random::detail {

// A 32-bit bijective mixer (Wellons's "lowbias32" constants): every input bit affects every output bit.
inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x21f0aaadu;
  x ^= x >> 15;
  x *= 0x735a2d97u;
  x ^= x >> 15;
  return x;
}

// 32 random bits for element i of the stream `key`. The key enters both rounds, so different keys give unrelated
// streams rather than shifted copies of one.
inline uint32_t counter_bits(uint64_t key, uint64_t i) {
  const uint32_t x = mix32(static_cast<uint32_t>(i) ^ static_cast<uint32_t>(key));
  return mix32(x ^ static_cast<uint32_t>(key >> 32) ^ (static_cast<uint32_t>(i >> 32) * 0x9E3779B9u));
}

// Uniform in [0, 1), on a grid of 2^-24 (every float there is exact).
inline float counter_uniform(uint64_t key, uint64_t i) {
  return static_cast<float>(counter_bits(key, i) >> 8) * 0x1.0p-24f;
}

}  // namespace keras::random::detail
