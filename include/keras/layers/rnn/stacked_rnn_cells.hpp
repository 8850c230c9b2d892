#pragma once
// keras.layers.StackedRNNCells(cells): several RNN cells run as one, each feeding its output to the next at every
// timestep; RNN(StackedRNNCells({LSTMCell(64), LSTMCell(32)})) (or RNN({...})) computes what LSTM(64,
// return_sequences=true) then LSTM(32) do. Its states are every cell's, in order (h1, c1, h2, c2); called directly,
// cells({x, h1, c1, h2, c2}) returns {output, h1, c1, h2, c2}. Weights: each cell's, in order.
#include <vector>

#include "keras/layers/rnn/rnn_common.hpp"

namespace keras::kw {
KERAS_KEYWORD(cells, std::vector<Layer>);
}  // namespace keras::kw

namespace keras::layers {

class StackedRNNCells : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::cells_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit StackedRNNCells(A&&... a) : StackedRNNCells(kw::collect<StackedRNNCells>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit StackedRNNCells(std::vector<Layer> cells, A&&... a)
      : StackedRNNCells(std::move(cells), kw::collect<StackedRNNCells>(std::forward<A>(a)...)) {}
  StackedRNNCells(std::vector<Layer> cells, const kw::Kwargs& kwargs);
  // StackedRNNCells(cells={...}), and from a config: the cells under "cells" (a std::vector<Layer>), as Keras's
  // from_config passes them.
  explicit StackedRNNCells(const kw::Kwargs& kwargs);

  std::vector<Layer> cells() const;
};

}  // namespace keras::layers
