#pragma once
// What keras.layers.SeparableConv1D and SeparableConv2D share (Keras's BaseSeparableConv).
//
// SeparableConv{1,2}D(filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
//                     depth_multiplier=1, activation=None, use_bias=true, depthwise_initializer="glorot_uniform",
//                     pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
//                     pointwise_regularizer=None, bias_regularizer=None)
// a depthwise convolution (strides, padding and dilation apply here) followed by a pointwise (size 1) convolution
// to `filters` channels, then the bias and the activation.
//   weights "depthwise_kernel" (*kernel_size, input channels, depth_multiplier),
//           "pointwise_kernel" (1, [1,] input channels * depth_multiplier, filters), then "bias" (filters,).
#include "keras/layers/convolutional/conv_keywords.hpp"
