#pragma once
// keras.layers.Bidirectional(layer, merge_mode="concat", backward_layer=None): runs a copy of `layer` (named
// forward_<name>) and a go_backwards copy (backward_<name>, or backward_layer) over the sequence and merges their
// outputs: "concat" (forward first), "sum", "mul", "ave", or None (two outputs). With return_sequences the
// backward output is flipped back to forward time first. Weights: the forward layer's, then the backward layer's.
// Initial states: bi(x, initial_state={h_f, c_f, h_b, c_b}) (or bi({x, h_f, c_f, h_b, c_b})): the forward
// layer's, then the backward layer's; return_state adds the forward then the backward states as outputs.
#include "keras/layers/rnn/rnn_common.hpp"

namespace keras::kw {
KERAS_KEYWORD(merge_mode, std::string);
KERAS_KEYWORD(backward_layer, Layer);
}  // namespace keras::kw

namespace keras::layers {

class Bidirectional : public RecurrentLayer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::merge_mode_t, kw::backward_layer_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Bidirectional(const Layer& layer, A&&... a)
      : Bidirectional(layer, kw::collect<Bidirectional>(std::forward<A>(a)...)) {}
  Bidirectional(const Layer& layer, const kw::Kwargs& kwargs);
  // From a config: the wrapped layer under the key "layer" (a Layer), as Keras's from_config passes it.
  explicit Bidirectional(const kw::Kwargs& kwargs);

  Layer forward_layer() const;
  Layer backward_layer() const;
};

}  // namespace keras::layers
