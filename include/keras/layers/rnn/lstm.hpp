#pragma once
// keras.layers.LSTM: kernel (in, 4u), recurrent_kernel (u, 4u), bias (4u), gate order i, f, c, o;
// c = f*c + i*activation(z_c), h = o*activation(c). unit_forget_bias=true starts the forget bias at 1.
// Outputs: the last h (or every h with return_sequences=true), then h and c with return_state=true.
#include "keras/layers/rnn/rnn_common.hpp"

namespace keras::layers {

class LSTM : public RecurrentLayer {
 public:
  using keywords = kw::keywords_plus<rnn_keywords, kw::recurrent_activation_t, kw::unit_forget_bias_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit LSTM(A&&... a) : LSTM(kw::collect<LSTM>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit LSTM(int units, A&&... a) : LSTM(kw::collect<LSTM>(kw::units = units, std::forward<A>(a)...)) {}
  explicit LSTM(const kw::Kwargs& kwargs);
};

// keras.layers.LSTMCell: one timestep of an LSTM, for keras.layers.RNN (RNN(LSTMCell(32)) computes what LSTM(32)
// does, with the same weights). Called directly, cell({x, h, c}) returns {h_new, h_new, c_new}: Keras's
// `h, [h, c]`; x is (batch, features) and each state (batch, units).
class LSTMCell : public Layer {
 public:
  using keywords = kw::keywords_plus<rnn_cell_keywords, kw::recurrent_activation_t, kw::unit_forget_bias_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit LSTMCell(A&&... a) : LSTMCell(kw::collect<LSTMCell>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit LSTMCell(int units, A&&... a) : LSTMCell(kw::collect<LSTMCell>(kw::units = units, std::forward<A>(a)...)) {}
  explicit LSTMCell(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
