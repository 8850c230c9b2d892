#pragma once
// What SimpleRNN, LSTM, GRU and Bidirectional share: their keywords (Keras 3's names) and the handle base that
// gives them the initial_state= call keyword and reset_states().
//
// Initial states, as Keras's `lstm(x, initial_state=[h, c])`: `lstm(x, initial_state={h, c})`, eagerly on Tensors or
// symbolically on KerasTensors; it returns the first output, call_outputs(x, initial_state={h, c}) every output
// (the states too with return_state=true). Bidirectional takes the forward layer's states, then the backward
// layer's. The states become extra inputs of the call, so `lstm({x, h, c})` is the same call. A mask arrives through
// CallContext::input_masks (from Embedding(mask_zero=true) or Masking); a masked timestep carries the previous state
// forward, as Keras 3 does.
#include <vector>

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
KERAS_KEYWORD(recurrent_dropout, double);
KERAS_KEYWORD(reset_after, bool);
KERAS_KEYWORD(zero_output_for_mask, bool);
KERAS_KEYWORD(recurrent_regularizer, RegularizerArg);

// initial_state= is a keyword of the call, not of the constructor, and takes Tensors or KerasTensors: its own type
// rather than a KERAS_KEYWORD, whose value has one type.
template <class T>
struct InitialState {
  std::vector<T> states;
};
struct initial_state_t {
  InitialState<Tensor> operator=(std::vector<Tensor> s) const { return {std::move(s)}; }
  InitialState<Tensor> operator=(const Tensor& s) const { return {{s}}; }
  InitialState<KerasTensor> operator=(std::vector<KerasTensor> s) const { return {std::move(s)}; }
  InitialState<KerasTensor> operator=(const KerasTensor& s) const { return {{s}}; }
};
inline constexpr initial_state_t initial_state{};
}  // namespace keras::kw

namespace keras::layers {

// The keywords every RNN cell (SimpleRNNCell, LSTMCell, GRUCell) takes, beyond each cell's own.
using rnn_cell_keywords =
    kw::keywords_plus<layer_keywords, kw::units_t, kw::activation_t, kw::use_bias_t, kw::kernel_initializer_t,
                      kw::recurrent_initializer_t, kw::bias_initializer_t, kw::kernel_regularizer_t,
                      kw::recurrent_regularizer_t, kw::bias_regularizer_t, kw::kernel_constraint_t,
                      kw::recurrent_constraint_t, kw::bias_constraint_t, kw::dropout_t, kw::recurrent_dropout_t,
                      kw::seed_t>;
// SimpleRNN, LSTM and GRU: their cell's keywords and keras.layers.RNN's.
using rnn_keywords = kw::keywords_plus<rnn_cell_keywords, kw::return_sequences_t, kw::return_state_t,
                                       kw::go_backwards_t, kw::stateful_t, kw::unroll_t, kw::zero_output_for_mask_t>;

// Handle base of the recurrent layers.
class RecurrentLayer : public Layer {
 public:
  using Layer::Layer;
  using Layer::operator();
  using Layer::call_outputs;
  // layer(x, initial_state={h, c}): the first output.
  Tensor operator()(const Tensor& x, const kw::InitialState<Tensor>& s) const;
  KerasTensor operator()(const KerasTensor& x, const kw::InitialState<KerasTensor>& s) const;
  // Every output: the sequence or last output, then the final states with return_state=true.
  std::vector<Tensor> call_outputs(const Tensor& x, const kw::InitialState<Tensor>& s) const;
  std::vector<KerasTensor> call_outputs(const KerasTensor& x, const kw::InitialState<KerasTensor>& s) const;
  // stateful=true: zeroes the states kept between batches (Keras's reset_states() / reset_state()). A stateful
  // layer takes batches of its states' batch size only (another size is tf.keras's input-spec ValueError); after a
  // reset the next batch may choose a new size, where Keras 3's state variables would keep theirs.
  void reset_states() const;
  void reset_state() const { reset_states(); }
};

}  // namespace keras::layers
