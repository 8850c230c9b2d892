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

// keras.layers.SimpleRNNCell: one timestep of a SimpleRNN, for keras.layers.RNN (RNN(SimpleRNNCell(32)) computes what
// SimpleRNN(32) does). Called directly, cell({x, h}) returns {h_new, h_new}: Keras's `h, [h]`.
class SimpleRNNCell : public Layer {
 public:
  using keywords = rnn_cell_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SimpleRNNCell(A&&... a) : SimpleRNNCell(kw::collect<SimpleRNNCell>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit SimpleRNNCell(int units, A&&... a)
      : SimpleRNNCell(kw::collect<SimpleRNNCell>(kw::units = units, std::forward<A>(a)...)) {}
  explicit SimpleRNNCell(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
