#pragma once
// What SimpleRNN, LSTM, GRU and Bidirectional share: their keywords (Keras 3's names) and the handle base that
// gives them reset_states().
//
// Initial states are extra inputs, as in a Keras functional call `lstm(x, initial_state=[h, c])`: write
// `layers::LSTM(8)({x, h, c})`. A mask arrives through CallContext::input_masks (from Embedding(mask_zero=true) or
// Masking); a masked timestep carries the previous state forward, as Keras 3 does.
#include "keras/layers/layer.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::kw {
KERAS_KEYWORD(recurrent_activation, ActivationArg);
KERAS_KEYWORD(unit_forget_bias, bool);
KERAS_KEYWORD(return_sequences, bool);
KERAS_KEYWORD(return_state, bool);
KERAS_KEYWORD(go_backwards, bool);
KERAS_KEYWORD(stateful, bool);
KERAS_KEYWORD(unroll, bool);
KERAS_KEYWORD(dropout, double);
KERAS_KEYWORD(recurrent_dropout, double);
KERAS_KEYWORD(reset_after, bool);
KERAS_KEYWORD(zero_output_for_mask, bool);
KERAS_KEYWORD(recurrent_regularizer, RegularizerArg);
}  // namespace keras::kw

namespace keras::layers {

// The keywords of keras.layers.RNN subclasses (SimpleRNN, LSTM, GRU), beyond each cell's own.
using rnn_keywords =
    kw::keywords_plus<layer_keywords, kw::units_t, kw::activation_t, kw::use_bias_t, kw::kernel_initializer_t,
                      kw::recurrent_initializer_t, kw::bias_initializer_t, kw::kernel_regularizer_t,
                      kw::recurrent_regularizer_t, kw::bias_regularizer_t, kw::dropout_t, kw::recurrent_dropout_t,
                      kw::seed_t, kw::return_sequences_t, kw::return_state_t, kw::go_backwards_t, kw::stateful_t,
                      kw::unroll_t, kw::zero_output_for_mask_t>;

// Handle base of the recurrent layers.
class RecurrentLayer : public Layer {
 public:
  using Layer::Layer;
  // stateful=true: zeroes the states kept between batches (Keras's reset_states() / reset_state()).
  void reset_states() const;
  void reset_state() const { reset_states(); }
};

}  // namespace keras::layers
