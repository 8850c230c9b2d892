#pragma once
// keras.layers.MaxPooling1D(pool_size=2, strides=None, padding="valid", data_format=None) (alias MaxPool1D): the
// maximum over windows of pool_size steps of (batch, steps, features) data ((batch, features, steps) with
// data_format="channels_first"), stepping by strides (default: pool_size). "valid" keeps
// floor((steps - pool_size) / strides) + 1 outputs, "same" ceil(steps / strides) (padded as TensorFlow pads; padded
// positions never win). Backward routes each gradient to its window's maximum, the first one on ties.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class MaxPooling1D : public Layer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::pool_size_t, kw::strides_t, kw::padding_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit MaxPooling1D(A&&... a) : MaxPooling1D(kw::collect<MaxPooling1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit MaxPooling1D(IntTuple pool_size, A&&... a)
      : MaxPooling1D(kw::collect<MaxPooling1D>(kw::pool_size = std::move(pool_size), std::forward<A>(a)...)) {}
  explicit MaxPooling1D(const kw::Kwargs& kwargs);
};

using MaxPool1D = MaxPooling1D;

}  // namespace keras::layers
