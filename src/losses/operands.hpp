#pragma once
// The operands of an elementwise loss: targets and outputs over their broadcast dims, and where dLoss/dp goes.
#include <cstdint>
#include <vector>

#include "keras/core/tensor.hpp"
#include "losses/loss_core.hpp"

namespace keras::losses::detail {

// t and p over their broadcast dims S (views when no broadcasting is needed), and a sink for dLoss/dp in p's layout.
class Operands {
 public:
  Operands(const Tensor& t, const Tensor& p, float* grad) : p_dims_(p.dims()), grad_(grad) {
    S = t.dims() == p.dims() ? p.dims() : broadcast_dims(t.dims(), p.dims());
    total = 1;
    for (auto d : S) total *= d;
    if (t.dims() == S) {
      tp = t.data();
    } else {
      tbuf_ = broadcast_to(t.data(), t.dims(), S);
      tp = tbuf_.data();
    }
    if (p.dims() == S) {
      pp = p.data();
      g = grad;
    } else {
      pbuf_ = broadcast_to(p.data(), p.dims(), S);
      pp = pbuf_.data();
      if (grad) {
        gbuf_.assign(static_cast<size_t>(total), 0.0f);
        g = gbuf_.data();
      }
    }
  }
  // Targets the loss rewrites first (label smoothing, hinge's 0/1 -> -1/1): a private copy.
  float* own_targets() {
    if (tbuf_.empty()) {
      tbuf_.assign(tp, tp + total);
      tp = tbuf_.data();
    }
    return tbuf_.data();
  }
  // Sums broadcast gradients back into p's dims.
  void finish() {
    if (grad_ && !gbuf_.empty()) sum_to(gbuf_.data(), S, pad_left(p_dims_, S.size()), grad_);
  }

  std::vector<int64_t> S;
  int64_t total = 0;
  const float* tp = nullptr;
  const float* pp = nullptr;
  float* g = nullptr;  // gradient over S (null: not wanted)

 private:
  std::vector<int64_t> p_dims_;
  float* grad_;
  std::vector<float> tbuf_, pbuf_, gbuf_;
};

}  // namespace keras::losses::detail
