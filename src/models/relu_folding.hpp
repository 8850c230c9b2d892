#pragma once
// Models let max pooling apply the relu gradient of the layer before it (LayerImpl::folds_input_relu). On by
// default; tests turn it off to compare with the unfolded gradients.
namespace keras::detail {
void set_relu_folding(bool on);
}  // namespace keras::detail
