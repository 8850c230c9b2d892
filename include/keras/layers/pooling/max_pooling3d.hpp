#pragma once
// keras.layers.MaxPooling3D(pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None) (alias MaxPool3D):
// the maximum over each pool_size window of (batch, depth, height, width, channels) data ((batch, channels, depth,
// height, width) with data_format="channels_first"), stepping by strides (default: pool_size). Output size per axis:
// floor((size - pool) / strides) + 1 for "valid", ceil(size / strides) for "same" (padded as TensorFlow pads, the
// smaller half first; padded positions never win). Backward routes each gradient to its window's maximum, the first
// one on ties. MaxPooling3D(2), MaxPooling3D({2, 2, 2}, strides={1, 1, 1}, padding="same"),
// MaxPooling3D(pool_size=3, strides=2).
#include "keras/layers/layer.hpp"

namespace keras::layers {

class MaxPooling3D : public Layer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::pool_size_t, kw::strides_t, kw::padding_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit MaxPooling3D(A&&... a) : MaxPooling3D(kw::collect<MaxPooling3D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit MaxPooling3D(IntTuple pool_size, A&&... a)
      : MaxPooling3D(kw::collect<MaxPooling3D>(kw::pool_size = std::move(pool_size), std::forward<A>(a)...)) {}
  explicit MaxPooling3D(const kw::Kwargs& kwargs);
};

using MaxPool3D = MaxPooling3D;

}  // namespace keras::layers
