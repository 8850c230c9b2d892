#include "keras/random/random.hpp"

#include <algorithm>
#include <numeric>

#include "keras/core/errors.hpp"

namespace keras::random {

std::mt19937_64& generator() {
  static std::mt19937_64 gen(1337);
  return gen;
}

std::mt19937_64 seeded_generator(uint64_t seed) { return std::mt19937_64(seed * 0x9E3779B97F4A7C15ull + 1); }

Tensor normal(const std::vector<int64_t>& shape, float mean, float stddev) {
  Tensor t = Tensor::empty(shape);
  std::normal_distribution<float> dist(mean, stddev);
  auto& g = generator();
  for (int64_t i = 0; i < t.size(); ++i) t.data()[i] = dist(g);
  return t;
}

Tensor uniform(const std::vector<int64_t>& shape, float minval, float maxval) {
  Tensor t = Tensor::empty(shape);
  std::uniform_real_distribution<float> dist(minval, maxval);
  auto& g = generator();
  for (int64_t i = 0; i < t.size(); ++i) t.data()[i] = dist(g);
  return t;
}

Tensor randint(int64_t low, int64_t high, const std::vector<int64_t>& shape) {
  if (high <= low)
    throw ValueError("low >= high: randint needs low < high. Received: low=" + std::to_string(low) +
                     ", high=" + std::to_string(high));
  Tensor t = Tensor::empty(shape);
  std::uniform_int_distribution<int64_t> dist(low, high - 1);
  auto& g = generator();
  for (int64_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(dist(g));
  return t.astype("int64");
}

Tensor truncated_normal(const std::vector<int64_t>& shape, float mean, float stddev) {
  Tensor t = Tensor::empty(shape);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  auto& g = generator();
  for (int64_t i = 0; i < t.size(); ++i) {
    float v;
    do v = dist(g);
    while (v < -2.0f || v > 2.0f);
    t.data()[i] = mean + stddev * v;
  }
  return t;
}

std::vector<int64_t> permutation(int64_t n) {
  std::vector<int64_t> p(static_cast<size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  std::shuffle(p.begin(), p.end(), generator());
  return p;
}

}  // namespace keras::random

namespace keras::utils {
void set_random_seed(uint64_t seed) { random::generator().seed(seed); }
}  // namespace keras::utils
