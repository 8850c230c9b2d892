#pragma once
// What ConvLSTM1D, ConvLSTM2D and ConvLSTM3D share (Keras's ConvLSTM and ConvLSTMCell): an LSTM whose input and
// recurrent transformations are convolutions. Over (batch, time, *spatial, channels) (channels_last) it keeps h and
// c of shape (batch, *out_spatial, filters), where out_spatial is the input convolution's output size (kernel_size,
// strides, padding "valid" or "same", dilation_rate); the recurrent convolution keeps that size (padding "same",
// strides 1). Gates i, f, c, o as in LSTM: c = f*c + i*activation(x_c + h_c), h = o*activation(c).
// Weights: kernel (*kernel_size, channels, 4*filters), recurrent_kernel (*kernel_size, filters, 4*filters),
// bias (4*filters,). Outputs, masks, initial_state= and reset_states() as in LSTM.
#include "keras/layers/convolutional/base_conv.hpp"
#include "keras/layers/rnn/rnn_common.hpp"

namespace keras::layers {

// The keywords of keras.layers.ConvLSTM1D/2D/3D.
using conv_lstm_keywords =
    kw::keywords_plus<layer_keywords, kw::filters_t, kw::kernel_size_t, kw::strides_t, kw::padding_t,
                      kw::data_format_t, kw::dilation_rate_t, kw::activation_t, kw::recurrent_activation_t,
                      kw::use_bias_t, kw::kernel_initializer_t, kw::recurrent_initializer_t, kw::bias_initializer_t,
                      kw::unit_forget_bias_t, kw::kernel_regularizer_t, kw::recurrent_regularizer_t,
                      kw::bias_regularizer_t, kw::kernel_constraint_t, kw::recurrent_constraint_t,
                      kw::bias_constraint_t, kw::dropout_t, kw::recurrent_dropout_t, kw::seed_t,
                      kw::return_sequences_t, kw::return_state_t, kw::go_backwards_t, kw::stateful_t, kw::unroll_t,
                      kw::zero_output_for_mask_t>;

}  // namespace keras::layers
