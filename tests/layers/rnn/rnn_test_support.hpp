#pragma once
// Helpers for the recurrent layers' tests: calls with a Keras mask (the model wiring that sets ctx.input_masks lives
// elsewhere), and a numerical gradient check with a mask.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "keras/keras.hpp"
#include "layers/rnn/rnn_base.hpp"
#include "support/gradient_check.hpp"

namespace keras::test_support {

// Switches the oneDNN primitives off for a scope when `loop` is true (the step loop runs the same calls), and back on.
struct StepLoopOnly {
  explicit StepLoopOnly(bool loop) { layers::rnn_detail::set_fused_primitives(!loop); }
  ~StepLoopOnly() { layers::rnn_detail::set_fused_primitives(true); }
  StepLoopOnly(const StepLoopOnly&) = delete;
  StepLoopOnly& operator=(const StepLoopOnly&) = delete;
};

// predict() runs the oneDNN primitive for inference, without the workspace backward would read: the same values as a
// training forward (training primitive, workspace kept), at a batch size that leaves a partial last batch.
inline void expect_predict_matches_training_forward(const Layer& rnn, int64_t timesteps, int64_t features) {
  Sequential model({Input({timesteps, features}), rnn});
  const Tensor x = random::normal({37, timesteps, features});
  const Tensor predicted = model.predict(x, kw::batch_size = 16, kw::verbose = 0);
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  const Tensor trained = model.graph().forward(ctx).at(0);
  ASSERT_EQ(predicted.dims(), trained.dims());
  const std::vector<float> a = predicted.to_vector(), b = trained.to_vector();
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-5) << rnn.impl()->class_name() << " [" << i << "]";
}

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

// expect_gradients_match in training mode with the dropout masks held fixed: Keras draws new masks on every call,
// which no finite difference survives, so the layer's generator is reseeded before every forward.
inline void expect_dropout_gradients_match(const Layer& layer, const std::vector<Tensor>& inputs, uint64_t seed = 1) {
  layers::rnn_detail::RnnBase* rnn = layers::rnn_detail::as_rnn(layer);
  ASSERT_NE(rnn, nullptr) << layer.class_name() << " is not a recurrent layer";
  GradCheckOptions opt;
  opt.training = true;
  opt.before_forward = [rnn, seed] { rnn->reseed(seed); };
  expect_gradients_match(layer, inputs, opt);
}

// The numeric gradient check under fixed masks for input dropout, recurrent dropout and both, with and without
// return_sequences, go_backwards and initial states. make(dropout, recurrent_dropout, return_sequences, go_backwards)
// gives a fresh layer of `units` units and `n_states` states.
template <class Make>
void expect_dropout_gradients_for(Make make, int64_t units, int n_states) {
  struct Case {
    double dropout, recurrent_dropout;
    bool sequences, backwards, states;
  };
  const Tensor x = random::normal({3, 4, 5});
  for (const Case c : {Case{0.4, 0.0, false, false, false}, Case{0.0, 0.4, true, false, true},
                       Case{0.3, 0.3, false, true, true}, Case{0.3, 0.3, true, true, false}}) {
    SCOPED_TRACE("dropout=" + std::to_string(c.dropout) + " recurrent_dropout=" + std::to_string(c.recurrent_dropout) +
                 " return_sequences=" + std::to_string(c.sequences) + " go_backwards=" + std::to_string(c.backwards) +
                 " initial_state=" + std::to_string(c.states));
    Layer layer = make(c.dropout, c.recurrent_dropout, c.sequences, c.backwards);
    std::vector<Tensor> in{x};
    for (int k = 0; c.states && k < n_states; ++k) in.push_back(random::normal({3, units}));
    layer(in);
    // The masks are really drawn (training differs from inference) and reseeding holds them fixed.
    auto* rnn = layers::rnn_detail::as_rnn(layer);
    rnn->reseed(7);
    const Tensor a = layer.impl()->call_eager(in, true)[0];
    rnn->reseed(7);
    const Tensor b = layer.impl()->call_eager(in, true)[0];
    EXPECT_EQ(max_abs_diff(a, b), 0.0f);
    EXPECT_GT(max_abs_diff(a, layer.impl()->call_eager(in, false)[0]), 1e-4f);
    expect_dropout_gradients_match(layer, in, 7);
  }
}

// A (batch, timesteps) 0/1 mask from rows of valid lengths (right padding) or explicit values.
inline Tensor mask_from(std::vector<float> values, int64_t batch, int64_t steps) {
  Tensor m(std::move(values), {batch, steps});
  m.set_dtype("bool");
  return m;
}

// The largest difference between Bidirectional's concatenated output y and its two directions: yf, and yb (the
// backward layer's own output, in reversed time) read back in time order. Any (batch, time, ..., features) layout.
inline float max_concat_error(const Tensor& y, const Tensor& yf, const Tensor& yb) {
  const int64_t B = yf.dim(0), T = yf.dim(1), F = yf.dim(-1), rows = yf.size() / (B * T * F);  // rows per step
  float worst = 0.0f;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t f = 0; f < F; ++f) {
          const int64_t at = ((b * T + t) * rows + r) * F + f, back = ((b * T + T - 1 - t) * rows + r) * F + f;
          const float* out = y.data() + ((b * T + t) * rows + r) * 2 * F;
          worst = std::max({worst, std::abs(out[f] - yf.data()[at]), std::abs(out[F + f] - yb.data()[back])});
        }
  return worst;
}

}  // namespace keras::test_support
