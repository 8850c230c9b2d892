#pragma once
// What keras.layers.Conv1D, Conv2D and Conv3D share (Keras's private BaseConv): their keywords.
//
// Conv{1,2,3}D(filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1, groups=1,
//              activation=None, use_bias=true, kernel_initializer="glorot_uniform", bias_initializer="zeros",
//              kernel_regularizer=None, bias_regularizer=None)
// compute activation(cross_correlation(inputs, kernel) + bias) over `rank` spatial axes:
//   inputs  (batch, *spatial, channels) for data_format "channels_last" (None, the default),
//           (batch, channels, *spatial) for "channels_first" (computed directly in that layout);
//   kernel  (*kernel_size, channels / groups, filters), bias (filters,);
//   output  spatial size floor((n - d*(k-1) - 1) / s) + 1 with padding "valid", floor((n - 1) / s) + 1 with "same"
//           (padding split as TensorFlow does, the odd element at the end) and, for Conv1D only, "causal".
// kernel_size, strides and dilation_rate take an int (repeated over the axes) or one int per spatial axis.
// padding takes a mode string only (for explicit sizes, put a ZeroPadding layer before the convolution).
// kernel_constraint= / bias_constraint= as Dense's (MaxNorm(2.0, {0, 1, 2}) bounds each filter's norm). LoRA is not
// supported. The keywords are declared in keras/core/kw.hpp.
#include "keras/layers/layer.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::layers {

// The keywords of Conv1D, Conv2D and Conv3D.
using conv_keywords =
    kw::keywords_plus<layer_keywords, kw::filters_t, kw::kernel_size_t, kw::strides_t, kw::padding_t,
                      kw::data_format_t, kw::dilation_rate_t, kw::groups_t, kw::activation_t, kw::use_bias_t,
                      kw::kernel_initializer_t, kw::bias_initializer_t, kw::kernel_regularizer_t,
                      kw::bias_regularizer_t, kw::kernel_constraint_t, kw::bias_constraint_t>;

}  // namespace keras::layers
