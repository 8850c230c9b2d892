#pragma once
// Numerical gradient check for any layer (or model): compares backward() against central differences of
// L = sum(output_i * R_i) with fixed random R, for every input and every trainable weight.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "keras/layers/layer.hpp"
#include "keras/random/random.hpp"

namespace keras::test_support {

struct GradCheckOptions {
  double eps = 1e-3;       // step of the central difference (on float32 values)
  double tolerance = 2e-3; // max |analytic - numeric| / max(1, |numeric|)
  bool training = false;   // run forward in training mode (Dropout & co. must then be deterministic, e.g. rate 0)
  bool check_inputs = true;
  std::vector<size_t> skip_inputs;  // inputs with no gradient (integer indices, say)
  std::vector<Tensor> input_masks;  // Keras masks given to every forward (ctx.input_masks), e.g. for masked pooling
  std::function<void()> before_forward;  // runs before every forward, e.g. to reseed a layer's dropout masks
  CallFlags flags;                       // the call's flag keywords (use_causal_mask, return_attention_scores)
};

namespace detail {
inline double loss_of(LayerImpl& layer, const std::vector<Tensor>& inputs, const std::vector<Tensor>& r,
                      bool training, const std::vector<Tensor>& masks = {},
                      const std::function<void()>& before_forward = {}, const CallFlags& flags = {}) {
  if (before_forward) before_forward();
  CallContext ctx;
  ctx.flags = flags;
  ctx.training = training;
  ctx.inputs = inputs;
  ctx.input_masks = masks;
  std::vector<Tensor> out = layer.forward(ctx);
  double l = 0;
  for (size_t i = 0; i < out.size(); ++i)
    for (int64_t j = 0; j < out[i].size(); ++j) l += static_cast<double>(out[i].data()[j]) * r[i].data()[j];
  return l;
}
}  // namespace detail

// `layer` must be built (call it once on the inputs first). Returns nothing; reports failures through gtest.
inline void expect_gradients_match(const Layer& handle, std::vector<Tensor> inputs, GradCheckOptions opt = {}) {
  LayerImpl& layer = *handle.impl();
  for (auto& x : inputs) x = x.copy();
  if (opt.before_forward) opt.before_forward();
  CallContext ctx;
  ctx.flags = opt.flags;
  ctx.training = opt.training;
  ctx.inputs = inputs;
  ctx.input_masks = opt.input_masks;
  ctx.outputs = layer.forward(ctx);
  std::vector<Tensor> r;
  for (const auto& o : ctx.outputs) r.push_back(random::uniform(o.dims(), -1.0f, 1.0f));
  for (const auto& v : layer.variables()) v->grad = Tensor();
  std::vector<Tensor> g_in = layer.backward(ctx, r);

  auto compare = [&](const std::string& what, float* values, int64_t n, const Tensor& analytic) {
    ASSERT_TRUE(analytic.defined()) << what << ": backward returned no gradient";
    ASSERT_EQ(analytic.size(), n) << what;
    // Check a bounded number of entries so big layers stay fast.
    int64_t stride = std::max<int64_t>(1, n / 64);
    for (int64_t j = 0; j < n; j += stride) {
      float saved = values[j];
      values[j] = static_cast<float>(saved + opt.eps);
      double lp = detail::loss_of(layer, inputs, r, opt.training, opt.input_masks, opt.before_forward, opt.flags);
      values[j] = static_cast<float>(saved - opt.eps);
      double lm = detail::loss_of(layer, inputs, r, opt.training, opt.input_masks, opt.before_forward, opt.flags);
      values[j] = saved;
      double numeric = (lp - lm) / (2 * opt.eps);
      double a = analytic.data()[j];
      EXPECT_LE(std::fabs(a - numeric) / std::max(1.0, std::fabs(numeric)), opt.tolerance)
          << what << " entry " << j << ": analytic " << a << " numeric " << numeric;
    }
  };
  if (opt.check_inputs) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (std::find(opt.skip_inputs.begin(), opt.skip_inputs.end(), i) != opt.skip_inputs.end()) continue;
      ASSERT_LT(i, g_in.size()) << "backward returned too few input gradients";
      compare("input " + std::to_string(i), inputs[i].data(), inputs[i].size(), g_in[i]);
    }
  }
  for (const auto& v : layer.trainable_variables())
    compare("weight " + v->name, v->value.data(), v->value.size(), v->grad);
}

// Checks that message (what()) contains every piece, printing it on failure.
#define EXPECT_THROW_WITH(statement, ...)                                                   \
  do {                                                                                      \
    try {                                                                                   \
      statement;                                                                            \
      ADD_FAILURE() << "expected keras::ValueError from: " #statement;                      \
    } catch (const keras::ValueError& e_) {                                                 \
      for (const std::string& piece_ : std::vector<std::string>{__VA_ARGS__})               \
        EXPECT_NE(std::string(e_.what()).find(piece_), std::string::npos)                   \
            << "message lacks [" << piece_ << "]:\n" << e_.what();                          \
    }                                                                                       \
  } while (0)

}  // namespace keras::test_support
