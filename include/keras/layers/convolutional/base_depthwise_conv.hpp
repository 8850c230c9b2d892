#pragma once
// What keras.layers.DepthwiseConv1D and DepthwiseConv2D share (Keras's BaseDepthwiseConv).
//
// DepthwiseConv{1,2}D(kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
//                     dilation_rate=1, activation=None, use_bias=true, depthwise_initializer="glorot_uniform",
//                     bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None)
// convolves each input channel c with its own depth_multiplier filters; output channel c*depth_multiplier + m.
//   weights "kernel" (*kernel_size, input channels, depth_multiplier), then "bias" (input channels * depth_multiplier);
//   output  spatial sizes as Conv{1,2}D ("valid" / "same"), channels input channels * depth_multiplier.
#include "keras/layers/convolutional/conv_keywords.hpp"
