#pragma once
// keras.layers.AveragePooling1D(pool_size=2, strides=None, padding="valid", data_format=None) (alias AvgPool1D): the
// mean over windows of pool_size steps of (batch, steps, features) data ((batch, features, steps) with
// data_format="channels_first"), stepping by strides (default: pool_size). Output sizes as MaxPooling1D; with
// padding="same" a window that overhangs the edge averages only the values inside (as TensorFlow does).
#include "keras/layers/layer.hpp"

namespace keras::layers {

class AveragePooling1D : public Layer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::pool_size_t, kw::strides_t, kw::padding_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit AveragePooling1D(A&&... a) : AveragePooling1D(kw::collect<AveragePooling1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit AveragePooling1D(IntTuple pool_size, A&&... a)
      : AveragePooling1D(kw::collect<AveragePooling1D>(kw::pool_size = std::move(pool_size), std::forward<A>(a)...)) {}
  explicit AveragePooling1D(const kw::Kwargs& kwargs);
};

using AvgPool1D = AveragePooling1D;

}  // namespace keras::layers
