#pragma once
// keras.layers.TimeDistributed(layer): applies `layer` to every temporal slice of a (batch, time, ...) input, with
// the same weights for every slice: TimeDistributed(Dense(8)) on (32, 10, 16) gives (32, 10, 8), and
// TimeDistributed(Conv2D(64, 3)) on (32, 10, 128, 128, 3) gives (32, 10, 126, 126, 64). The wrapped layer sees
// (batch * time, ...) in one call (a reshape, no copy and no loop over timesteps) and its output is reshaped back.
// Inputs need at least 3 dimensions; fewer is Keras's "`TimeDistributed` Layer should be passed an `input_shape`
// with at least 3 dimensions" ValueError. The weights are the wrapped layer's (summary shows its parameter count);
// the layer's mask (batch, time) passes through unchanged, as Keras 3's default compute_mask does.
// get_config keywords: layer (the wrapped layer's config; here the Layer itself under "layer") plus the base ones.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class TimeDistributed : public Layer {
 public:
  using keywords = layer_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit TimeDistributed(const Layer& layer, A&&... a)
      : TimeDistributed(layer, kw::collect<TimeDistributed>(std::forward<A>(a)...)) {}
  TimeDistributed(const Layer& layer, const kw::Kwargs& kwargs);
  // For configs: the wrapped layer is the Layer stored under "layer".
  explicit TimeDistributed(const kw::Kwargs& kwargs);

  // Keras's wrapper.layer.
  Layer layer() const;
};

}  // namespace keras::layers
