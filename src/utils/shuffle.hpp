#pragma once
// A Fisher-Yates shuffle that gives the same order on every platform for a given generator state (std::shuffle and
// std::uniform_int_distribution are implementation-defined), so seeded shuffles are reproducible everywhere.
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace keras::utils::detail {

// A uniformly distributed integer in [0, bound).
inline uint64_t uniform_below(std::mt19937_64& g, uint64_t bound) {
  const uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound: the values below it would bias the result
  for (;;) {
    const uint64_t r = g();
    if (r >= threshold) return r % bound;
  }
}

inline void shuffle_in_place(std::vector<int64_t>& items, std::mt19937_64& g) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[uniform_below(g, i)]);
}

}  // namespace keras::utils::detail
