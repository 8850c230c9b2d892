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

}  // namespace keras::layers
