#pragma once
// The keywords of the transposed, depthwise and separable convolutions (Keras's BaseConvTranspose,
// BaseDepthwiseConv and BaseSeparableConv), beyond those declared in keras/core/kw.hpp.
#include "keras/layers/convolutional/base_conv.hpp"

namespace keras::kw {
// Conv*Transpose: extra size added at the end of each spatial axis (each < strides); None infers it.
KERAS_KEYWORD(output_padding, IntTuple);
// DepthwiseConv*, SeparableConv*: output channels per input channel of the depthwise step.
KERAS_KEYWORD(depth_multiplier, int);
KERAS_KEYWORD(depthwise_initializer, InitializerArg);
KERAS_KEYWORD(pointwise_initializer, InitializerArg);
KERAS_KEYWORD(depthwise_regularizer, RegularizerArg);
KERAS_KEYWORD(pointwise_regularizer, RegularizerArg);
}  // namespace keras::kw

namespace keras::layers {

// Conv1DTranspose, Conv2DTranspose, Conv3DTranspose.
using conv_transpose_keywords =
    kw::keywords_plus<layer_keywords, kw::filters_t, kw::kernel_size_t, kw::strides_t, kw::padding_t,
                      kw::output_padding_t, kw::data_format_t, kw::dilation_rate_t, kw::activation_t, kw::use_bias_t,
                      kw::kernel_initializer_t, kw::bias_initializer_t, kw::kernel_regularizer_t,
                      kw::bias_regularizer_t, kw::kernel_constraint_t, kw::bias_constraint_t>;

// DepthwiseConv1D, DepthwiseConv2D.
using depthwise_conv_keywords =
    kw::keywords_plus<layer_keywords, kw::kernel_size_t, kw::strides_t, kw::padding_t, kw::depth_multiplier_t,
                      kw::data_format_t, kw::dilation_rate_t, kw::activation_t, kw::use_bias_t,
                      kw::depthwise_initializer_t, kw::bias_initializer_t, kw::depthwise_regularizer_t,
                      kw::bias_regularizer_t, kw::depthwise_constraint_t, kw::bias_constraint_t>;

// SeparableConv1D, SeparableConv2D.
using separable_conv_keywords =
    kw::keywords_plus<layer_keywords, kw::filters_t, kw::kernel_size_t, kw::strides_t, kw::padding_t,
                      kw::data_format_t, kw::dilation_rate_t, kw::depth_multiplier_t, kw::activation_t,
                      kw::use_bias_t, kw::depthwise_initializer_t, kw::pointwise_initializer_t,
                      kw::bias_initializer_t, kw::depthwise_regularizer_t, kw::pointwise_regularizer_t,
                      kw::bias_regularizer_t, kw::depthwise_constraint_t, kw::pointwise_constraint_t,
                      kw::bias_constraint_t>;

}  // namespace keras::layers
