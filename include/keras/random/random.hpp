#pragma once
// Random tensors from one global generator, made reproducible by utils::set_random_seed.
#include <cstdint>
#include <random>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::random {

Tensor normal(const std::vector<int64_t>& shape, float mean = 0.0f, float stddev = 1.0f);
// Like np.random.rand: uniform in [minval, maxval).
Tensor uniform(const std::vector<int64_t>& shape, float minval = 0.0f, float maxval = 1.0f);
// Integers in [low, high), stored as float32 values with dtype int64 (as np.random.randint).
Tensor randint(int64_t low, int64_t high, const std::vector<int64_t>& shape);
// Values of a normal distribution redrawn until within two standard deviations (Keras's truncated_normal).
Tensor truncated_normal(const std::vector<int64_t>& shape, float mean = 0.0f, float stddev = 1.0f);
// A random permutation of 0..n-1.
std::vector<int64_t> permutation(int64_t n);

// The global generator (used by initializers, Dropout, shuffling).
std::mt19937_64& generator();
// A generator for a seeded object (initializers::GlorotUniform(seed=1)): independent of the global one.
std::mt19937_64 seeded_generator(uint64_t seed);

}  // namespace keras::random

namespace keras::utils {
// Seeds every source of randomness keraspp uses, as keras.utils.set_random_seed does.
void set_random_seed(uint64_t seed);
}  // namespace keras::utils
