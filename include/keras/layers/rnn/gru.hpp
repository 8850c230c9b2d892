#pragma once
// keras.layers.GRU: kernel (in, 3u), recurrent_kernel (u, 3u), gate order z, r, h; h = z*h_prev + (1-z)*hh.
// reset_after=true (Keras 3's default): bias (2, 3u) = [input bias; recurrent bias], hh = act(x@Kh + r*(h@Rh + bh)).
// reset_after=false: bias (3u,), hh = act(x@Kh + (r*h)@Rh + bh).
#include "keras/layers/rnn/rnn_common.hpp"

namespace keras::layers {

class GRU : public RecurrentLayer {
 public:
  using keywords = kw::keywords_plus<rnn_keywords, kw::recurrent_activation_t, kw::reset_after_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GRU(A&&... a) : GRU(kw::collect<GRU>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit GRU(int units, A&&... a) : GRU(kw::collect<GRU>(kw::units = units, std::forward<A>(a)...)) {}
  explicit GRU(const kw::Kwargs& kwargs);
};

// keras.layers.GRUCell: one timestep of a GRU, for keras.layers.RNN (RNN(GRUCell(32)) computes what GRU(32) does).
// Called directly, cell({x, h}) returns {h_new, h_new}: Keras's `h, [h]`.
class GRUCell : public Layer {
 public:
  using keywords = kw::keywords_plus<rnn_cell_keywords, kw::recurrent_activation_t, kw::reset_after_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GRUCell(A&&... a) : GRUCell(kw::collect<GRUCell>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit GRUCell(int units, A&&... a) : GRUCell(kw::collect<GRUCell>(kw::units = units, std::forward<A>(a)...)) {}
  explicit GRUCell(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
