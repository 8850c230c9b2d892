#pragma once
// keras.layers.RNN(cell): runs an RNN cell over the timesteps of (batch, timesteps, features). RNN(LSTMCell(32))
// computes what LSTM(32) does, RNN({cell_a, cell_b}) stacks the cells (StackedRNNCells). The variables are the
// cell's: cell.get_weights() and rnn.get_weights() are the same tensors. Keywords, outputs, masks, initial_state=
// and reset_states() are those of LSTM and the other recurrent layers. keraspp's cells are SimpleRNNCell, LSTMCell,
// GRUCell and StackedRNNCells of them; it has no way to write a cell of one's own yet.
#include <vector>

#include "keras/layers/rnn/rnn_common.hpp"
#include "keras/layers/rnn/stacked_rnn_cells.hpp"

namespace keras::kw {
KERAS_KEYWORD(cell, Layer);
}  // namespace keras::kw

namespace keras::layers {

class RNN : public RecurrentLayer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::cell_t, kw::return_sequences_t, kw::return_state_t,
                                     kw::go_backwards_t, kw::stateful_t, kw::unroll_t, kw::zero_output_for_mask_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RNN(A&&... a) : RNN(kw::collect<RNN>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RNN(const Layer& cell, A&&... a) : RNN(cell, kw::collect<RNN>(std::forward<A>(a)...)) {}
  // A list of cells is a StackedRNNCells, as in Keras.
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RNN(std::vector<Layer> cells, A&&... a)
      : RNN(StackedRNNCells(std::move(cells)), kw::collect<RNN>(std::forward<A>(a)...)) {}
  RNN(const Layer& cell, const kw::Kwargs& kwargs);
  // RNN(cell=...), and from a config: the cell under "cell" (a Layer), as Keras's from_config passes it.
  explicit RNN(const kw::Kwargs& kwargs);

  // Keras's rnn.cell.
  Layer cell() const;
};

}  // namespace keras::layers
