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

}  // namespace keras::layers
