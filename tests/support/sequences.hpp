#pragma once
// Sequence helpers for the recurrent-layer tests.
#include <cstring>
#include <utility>

#include "keras/core/tensor.hpp"

namespace keras::test_support {

// A (batch, steps, features) sequence cut along time at `at`: steps [0, at) and [at, steps).
inline std::pair<Tensor, Tensor> split_in_time(const Tensor& x, int64_t at) {
  const int64_t batch = x.dim(0), steps = x.dim(1), features = x.dim(2);
  Tensor head = Tensor::empty({batch, at, features}), tail = Tensor::empty({batch, steps - at, features});
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = x.data() + b * steps * features;
    std::memcpy(head.data() + b * at * features, row, static_cast<size_t>(at * features) * sizeof(float));
    std::memcpy(tail.data() + b * (steps - at) * features, row + at * features,
                static_cast<size_t>((steps - at) * features) * sizeof(float));
  }
  return {head, tail};
}

}  // namespace keras::test_support
