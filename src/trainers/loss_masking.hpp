#pragma once
// How an output's Keras mask reaches the loss and the metrics (keras/src/losses/loss.py apply_mask, used by
// Loss.__call__ and MeanMetricWrapper.update_state): masked entries get weight 0, folded into the sample weights.
#include <string>

#include "keras/core/tensor.hpp"

namespace keras::detail {

// The sample weights (mask's shape) for an output with `mask`. For the "sum_over_batch_size" and "mean" reductions
// the valid entries are scaled by total / valid (0 when nothing is valid), so the loss becomes
// sum(loss * sample_weight over valid entries) / valid; metrics pass "sum" (no scaling). sample_weight, if given,
// is (batch,) (broadcast over the mask's other axes) or the mask's shape.
Tensor apply_mask(const Tensor* sample_weight, const Tensor& mask, const std::string& reduction);

}  // namespace keras::detail
