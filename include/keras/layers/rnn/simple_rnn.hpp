#pragma once
// keras.layers.SimpleRNN: h = activation(x@kernel + h_prev@recurrent_kernel + bias); kernel (in, u),
// recurrent_kernel (u, u), bias (u,).
#include "keras/layers/rnn/rnn_common.hpp"

namespace keras::layers {

class SimpleRNN : public RecurrentLayer {
 public:
  using keywords = rnn_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SimpleRNN(A&&... a) : SimpleRNN(kw::collect<SimpleRNN>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit SimpleRNN(int units, A&&... a)
      : SimpleRNN(kw::collect<SimpleRNN>(kw::units = units, std::forward<A>(a)...)) {}
  explicit SimpleRNN(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
