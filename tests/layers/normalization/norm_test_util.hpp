#pragma once
// Test helper for the per-sample normalization layers (LayerNormalization, GroupNormalization): the backward pass
// on a batch large enough for the multithreaded loops must agree with the backward passes on slices of it, which are
// small enough to run on one thread (input gradients slice by slice, weight gradients summed).
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "keras/keras.hpp"

namespace keras::test_support {

inline void expect_backward_matches_slices(const Layer& layer, const Tensor& x, int parts) {
  LayerImpl& impl = *layer.impl();
  Tensor g = random::normal(x.dims());
  auto run = [&](const Tensor& xi, const Tensor& gi) {
    CallContext ctx;
    ctx.inputs = {xi};
    ctx.outputs = impl.forward(ctx);
    for (const auto& v : impl.variables()) v->grad = Tensor();
    Tensor dx = impl.backward(ctx, {gi}).at(0);
    std::vector<Tensor> wg;
    for (const auto& v : impl.trainable_variables()) wg.push_back(v->grad.copy());
    return std::pair{dx, wg};
  };
  auto [dx, wg] = run(x, g);
  const int64_t n = x.dims()[0], step = n / parts;
  std::vector<Tensor> wsum;
  for (const Tensor& w : wg) wsum.push_back(Tensor::zeros(w.dims()));
  for (int64_t b = 0; b + step <= n; b += step) {
    auto [dxi, wgi] = run(x.slice(b, b + step).copy(), g.slice(b, b + step).copy());
    EXPECT_LT(max_abs_diff(dxi, dx.slice(b, b + step).copy()), 1e-5f) << "rows " << b;
    for (size_t i = 0; i < wgi.size(); ++i) wsum[i] += wgi[i];
  }
  for (size_t i = 0; i < wg.size(); ++i)
    for (int64_t j = 0; j < wg[i].size(); ++j)
      EXPECT_NEAR(wg[i].data()[j], wsum[i].data()[j], 1e-4 * std::max(1.0f, std::fabs(wsum[i].data()[j])))
          << "weight " << i << " entry " << j;
}

}  // namespace keras::test_support
