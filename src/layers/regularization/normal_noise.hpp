#pragma once
// Standard normal values addressed by position, for the layers that draw Gaussian noise (GaussianNoise,
// GaussianDropout): value i depends only on the call's key and on i, so the values are drawn on every thread and a
// seeded layer gives the same noise whatever the thread count.
#include <cmath>
#include <cstdint>
#include <numbers>

#include "random/counter_uniform.hpp"

namespace keras::layers::noise {

// Calls put(i, z) for i in [0, n), z ~ N(0, 1). Box-Muller, two values per pair of uniforms from the
// position-addressed stream of `key` (one draw of a sequential generator per value was 15 ns a value). u1 is on a
// 2^-31 grid in (0, 1]: the largest value is 6.55 standard deviations (a normal exceeds it once in 1e10).
template <class Put>
void for_each_standard_normal(uint64_t key, int64_t n, Put&& put) {
  const float two_pi = 2.0f * std::numbers::pi_v<float>;
#pragma omp parallel for schedule(static) if (n > (1 << 14))
  for (int64_t j = 0; j < (n + 1) / 2; ++j) {
    const uint32_t h1 = random::detail::counter_bits(key, static_cast<uint64_t>(2 * j));
    const uint32_t h2 = random::detail::counter_bits(key, static_cast<uint64_t>(2 * j + 1));
    const float u1 = static_cast<float>((h1 >> 1) + 1u) * 0x1.0p-31f;
    const float u2 = static_cast<float>(h2 >> 8) * 0x1.0p-24f;
    const float r = std::sqrt(-2.0f * std::log(u1));
    put(2 * j, r * std::cos(two_pi * u2));
    if (2 * j + 1 < n) put(2 * j + 1, r * std::sin(two_pi * u2));
  }
}

}  // namespace keras::layers::noise
