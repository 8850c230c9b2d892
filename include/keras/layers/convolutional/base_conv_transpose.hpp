#pragma once
// What keras.layers.Conv1DTranspose, Conv2DTranspose and Conv3DTranspose share (Keras's BaseConvTranspose).
//
// Conv{1,2,3}DTranspose(filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
//                       dilation_rate=1, activation=None, use_bias=true, kernel_initializer="glorot_uniform",
//                       bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None)
// computes activation(conv_transpose(inputs, kernel) + bias): the gradient of the matching convolution with respect
// to its input, as TensorFlow's conv_transpose defines it.
//   kernel  (*kernel_size, filters, input channels): output and input channels swapped compared with Conv2D;
//   bias    (filters,);
//   output  per spatial axis, with k' = d*(k-1) + 1 (operation_utils.compute_conv_transpose_output_shape):
//           output_padding None: "valid" n*s + max(k' - s, 0), "same" n*s;
//           output_padding p:    (n-1)*s + k' - 2*pad + p, with pad = k' // 2 for "same" and 0 for "valid";
//           the padding of the equivalent convolution follows TensorFlow (the odd element at the end).
// output_padding values must be < strides. No groups (Keras has none here).
#include "keras/layers/convolutional/conv_keywords.hpp"
