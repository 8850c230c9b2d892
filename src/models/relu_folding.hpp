#pragma once
// Models let max pooling apply the relu gradient of the layer before it (LayerImpl::folds_input_relu), and let
// BatchNormalization apply the relu layer after it (LayerImpl::applies_relu_epilogue). On by default; tests turn it
// off to compare with the unfolded results.
namespace keras::detail {
void set_relu_folding(bool on);
}  // namespace keras::detail
