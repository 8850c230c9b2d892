#pragma once
// keras.layers.GlobalAveragePooling2D(data_format=None, keepdims=false) (alias GlobalAvgPool2D): the mean over height
// and width, (batch, height, width, channels) -> (batch, channels); keepdims=true gives (batch, 1, 1, channels).
// data_format="channels_first" takes (batch, channels, height, width).
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class GlobalAveragePooling2D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::data_format_t, kw::keepdims_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GlobalAveragePooling2D(A&&... a)
      : GlobalAveragePooling2D(kw::collect<GlobalAveragePooling2D>(std::forward<A>(a)...)) {}
  explicit GlobalAveragePooling2D(const kw::Kwargs& kwargs);
};

using GlobalAvgPool2D = GlobalAveragePooling2D;

}  // namespace keras::layers
