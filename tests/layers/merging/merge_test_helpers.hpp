#pragma once
// Shared by the merge layer tests.
#include <gtest/gtest.h>

#include <vector>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

namespace keras::test_support::merging {

// Values on a 0.1 grid shifted by `offset`: inputs made with different offsets never tie (for Maximum/Minimum
// gradient checks, whose derivative jumps at ties).
inline Tensor grid_values(const std::vector<int64_t>& dims, float offset) {
  Tensor t = random::randint(-10, 10, dims).astype("float32");
  float* p = t.data();
  for (int64_t k = 0; k < t.size(); ++k) p[k] = p[k] * 0.1f + offset;
  return t;
}

inline void expect_all_near(const Tensor& got, const Tensor& want, float tol = 1e-5f) {
  ASSERT_EQ(got.dims(), want.dims());
  for (int64_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got.data()[k], want.data()[k], tol) << "at flat index " << k;
}

// Runs forward then backward on the layer's implementation with output gradient g.
inline std::vector<Tensor> input_grads(const Layer& layer, const std::vector<Tensor>& xs, const Tensor& g) {
  CallContext ctx;
  ctx.inputs = xs;
  ctx.outputs = layer.impl()->forward(ctx);
  return layer.impl()->backward(ctx, {g});
}

}  // namespace keras::test_support::merging
