#pragma once
// keras.layers.AveragePooling3D(pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None) (alias
// AvgPool3D): the mean over each pool_size window of (batch, depth, height, width, channels) data ((batch, channels,
// depth, height, width) with data_format="channels_first"), stepping by strides (default: pool_size). Output sizes as
// MaxPooling3D; with padding="same" a window that overhangs the edge averages only the values inside (as TensorFlow
// does). Backward spreads each gradient evenly over its window.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class AveragePooling3D : public Layer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::pool_size_t, kw::strides_t, kw::padding_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit AveragePooling3D(A&&... a) : AveragePooling3D(kw::collect<AveragePooling3D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit AveragePooling3D(IntTuple pool_size, A&&... a)
      : AveragePooling3D(kw::collect<AveragePooling3D>(kw::pool_size = std::move(pool_size), std::forward<A>(a)...)) {}
  explicit AveragePooling3D(const kw::Kwargs& kwargs);
};

using AvgPool3D = AveragePooling3D;

}  // namespace keras::layers
