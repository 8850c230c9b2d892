#pragma once
// Helpers for the recurrent layers' tests: calls with a Keras mask (the model wiring that sets ctx.input_masks lives
// elsewhere), and a numerical gradient check with a mask.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "keras/keras.hpp"
#include "layers/rnn/rnn_base.hpp"
#include "support/gradient_check.hpp"

namespace keras::testing {

// Switches the oneDNN primitives off for a scope when `loop` is true (the step loop runs the same calls), and back on.
struct StepLoopOnly {
  explicit StepLoopOnly(bool loop) { layers::rnn_detail::set_fused_primitives(!loop); }
  ~StepLoopOnly() { layers::rnn_detail::set_fused_primitives(true); }
  StepLoopOnly(const StepLoopOnly&) = delete;
  StepLoopOnly& operator=(const StepLoopOnly&) = delete;
};

// Forward with an input mask (batch, timesteps); builds the layer first if needed.
inline std::vector<Tensor> forward_with_mask(const Layer& layer, const std::vector<Tensor>& inputs, const Tensor& mask,
                                             bool training = false) {
  std::vector<Shape> shapes;
  for (const auto& t : inputs) shapes.push_back(t.shape());
  layer.impl()->check_and_build(shapes);
  CallContext ctx;
  ctx.training = training;
  ctx.inputs = inputs;
  if (mask.defined()) ctx.input_masks = {mask};
  return layer.impl()->forward(ctx);
}

// expect_gradients_match with ctx.input_masks = {mask}.
inline void expect_masked_gradients_match(const Layer& handle, std::vector<Tensor> inputs, const Tensor& mask,
                                          double tolerance = 2e-3) {
  LayerImpl& layer = *handle.impl();
  for (auto& x : inputs) x = x.copy();
  auto run = [&](CallContext& ctx) {
    ctx.inputs = inputs;
    ctx.input_masks = {mask};
    return layer.forward(ctx);
  };
  CallContext ctx;
  ctx.outputs = run(ctx);
  std::vector<Tensor> r;
  for (const auto& o : ctx.outputs) r.push_back(random::uniform(o.dims(), -1.0f, 1.0f));
  for (const auto& v : layer.variables()) v->grad = Tensor();
  std::vector<Tensor> g_in = layer.backward(ctx, r);
  auto loss = [&] {
    CallContext c;
    auto out = run(c);
    double l = 0;
    for (size_t i = 0; i < out.size(); ++i)
      for (int64_t j = 0; j < out[i].size(); ++j) l += static_cast<double>(out[i].data()[j]) * r[i].data()[j];
    return l;
  };
  auto compare = [&](const std::string& what, float* values, int64_t n, const Tensor& analytic) {
    ASSERT_TRUE(analytic.defined()) << what;
    for (int64_t j = 0; j < n; j += std::max<int64_t>(1, n / 64)) {
      const float saved = values[j];
      values[j] = saved + 1e-3f;
      const double lp = loss();
      values[j] = saved - 1e-3f;
      const double lm = loss();
      values[j] = saved;
      const double numeric = (lp - lm) / 2e-3;
      EXPECT_LE(std::fabs(analytic.data()[j] - numeric) / std::max(1.0, std::fabs(numeric)), tolerance)
          << what << " entry " << j << ": analytic " << analytic.data()[j] << " numeric " << numeric;
    }
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    compare("input " + std::to_string(i), inputs[i].data(), inputs[i].size(), g_in.at(i));
  for (const auto& v : layer.trainable_variables())
    compare("weight " + v->name, v->value.data(), v->value.size(), v->grad);
}

// A (batch, timesteps) 0/1 mask from rows of valid lengths (right padding) or explicit values.
inline Tensor mask_from(std::vector<float> values, int64_t batch, int64_t steps) {
  Tensor m(std::move(values), {batch, steps});
  m.set_dtype("bool");
  return m;
}

}  // namespace keras::testing
