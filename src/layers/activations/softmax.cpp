#include "keras/layers/activations/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "keras/activations/activations.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

// A tensor seen as (outer, n, inner) around the softmax axis.
struct Blocks {
  int64_t outer = 1, n = 1, inner = 1;
};

Blocks blocks_of(const std::vector<int64_t>& dims, int axis) {
  Blocks b;
  for (int i = 0; i < static_cast<int>(dims.size()); ++i) {
    const int64_t d = dims[static_cast<size_t>(i)];
    if (i < axis) b.outer *= d;
    else if (i == axis) b.n = d;
    else b.inner *= d;
  }
  return b;
}

class SoftmaxImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  // Built from the start, as Keras's Softmax is.
  explicit SoftmaxImpl(const kw::Kwargs& k) : SingleInputLayer("Softmax", k), axis_(k.get_or("axis", -1)) {
    built_ = true;
  }

  Shape compute_output_shape(const Shape& s) override {
    normalized_axis(s.ndim());
    last_rank_ = s.ndim();
    return s;
  }

  // With axis -1 (or the last axis of the inputs it was last called on), a loss may work from the logits.
  std::string final_activation() const override {
    return axis_ == -1 || (last_rank_ > 0 && axis_ == last_rank_ - 1) ? "softmax" : "";
  }
  Tensor preactivation(const CallContext& ctx) const override {
    return ctx.inputs.empty() ? Tensor() : ctx.inputs[0];
  }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    const int axis = normalized_axis(x.ndim());
    last_rank_ = x.ndim();
    const Blocks b = blocks_of(x.dims(), axis);
    if (b.inner == 1)  // nothing after the axis: rows of n values, the activation kernel's layout
      return activations::apply(*activations::get("softmax"), x.reshape({b.outer, b.n})).reshape(x.dims());
    Tensor y = Tensor::empty(x.dims());
    const float* xp = x.data();
    float* yp = y.data();
    std::vector<float> m(static_cast<size_t>(b.inner)), s(static_cast<size_t>(b.inner));
    for (int64_t o = 0; o < b.outer; ++o) {
      const float* xo = xp + o * b.n * b.inner;
      float* yo = yp + o * b.n * b.inner;
      std::fill(m.begin(), m.end(), -std::numeric_limits<float>::infinity());
      std::fill(s.begin(), s.end(), 0.0f);
      for (int64_t j = 0; j < b.n; ++j)
        for (int64_t i = 0; i < b.inner; ++i) m[static_cast<size_t>(i)] = std::max(m[static_cast<size_t>(i)], xo[j * b.inner + i]);
      for (int64_t j = 0; j < b.n; ++j)
        for (int64_t i = 0; i < b.inner; ++i) {
          const float e = std::exp(xo[j * b.inner + i] - m[static_cast<size_t>(i)]);
          yo[j * b.inner + i] = e;
          s[static_cast<size_t>(i)] += e;
        }
      for (int64_t j = 0; j < b.n; ++j)
        for (int64_t i = 0; i < b.inner; ++i) yo[j * b.inner + i] /= s[static_cast<size_t>(i)];
    }
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (ctx.grad_wrt_preactivation) return g;  // a loss computed the gradient with respect to the logits
    const Tensor& x = ctx.inputs.at(0);
    Tensor y = ctx.outputs.empty() ? Tensor() : ctx.outputs[0];
    if (!y.defined()) {
      CallContext tmp;
      y = forward_one(x, tmp);
    }
    const int axis = normalized_axis(x.ndim());
    const Blocks b = blocks_of(x.dims(), axis);
    if (b.inner == 1) {
      const std::vector<int64_t> rows = {b.outer, b.n};
      return activations::gradient(*activations::get("softmax"), x.reshape(rows), y.reshape(rows), g.reshape(rows))
          .reshape(x.dims());
    }
    // dx = y * (dy - sum_axis(dy * y)).
    Tensor dx = Tensor::empty(x.dims());
    const float* yp = y.data();
    const float* gp = g.data();
    float* dp = dx.data();
    std::vector<float> s(static_cast<size_t>(b.inner));
    for (int64_t o = 0; o < b.outer; ++o) {
      const int64_t base = o * b.n * b.inner;
      std::fill(s.begin(), s.end(), 0.0f);
      for (int64_t j = 0; j < b.n; ++j)
        for (int64_t i = 0; i < b.inner; ++i) s[static_cast<size_t>(i)] += gp[base + j * b.inner + i] * yp[base + j * b.inner + i];
      for (int64_t j = 0; j < b.n; ++j)
        for (int64_t i = 0; i < b.inner; ++i) {
          const int64_t at = base + j * b.inner + i;
          dp[at] = yp[at] * (gp[at] - s[static_cast<size_t>(i)]);
        }
    }
    return dx;
  }

 private:
  int normalized_axis(int rank) const {
    if (axis_ < -rank || axis_ >= rank)
      throw ValueError("axis " + std::to_string(axis_) + " is out of bounds for array of dimension " +
                           std::to_string(rank),
                       {.layer = name(), .expected = "-" + std::to_string(rank) + " <= axis < " + std::to_string(rank),
                        .received = std::to_string(axis_),
                        .hint = "Softmax normalises along one axis of its input (batch axis included): for inputs of "
                                "rank " + std::to_string(rank) + " use an axis in [-" + std::to_string(rank) + ", " +
                                std::to_string(rank - 1) + "], e.g. the default axis=-1."});
    return axis_ < 0 ? axis_ + rank : axis_;
  }

  int axis_ = -1;
  int last_rank_ = 0;  // rank of the inputs of the latest call
};

}  // namespace

Softmax::Softmax(const kw::Kwargs& kwargs) : Layer(std::make_shared<SoftmaxImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Softmax)

}  // namespace keras::layers
