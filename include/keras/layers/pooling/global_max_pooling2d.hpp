#pragma once
// keras.layers.GlobalMaxPooling2D(data_format=None, keepdims=false) (alias GlobalMaxPool2D): the maximum over height
// and width, (batch, height, width, channels) -> (batch, channels); keepdims=true gives (batch, 1, 1, channels).
// data_format="channels_first" takes (batch, channels, height, width). Backward routes each gradient to the first
// maximum.
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class GlobalMaxPooling2D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::data_format_t, kw::keepdims_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GlobalMaxPooling2D(A&&... a)
      : GlobalMaxPooling2D(kw::collect<GlobalMaxPooling2D>(std::forward<A>(a)...)) {}
  explicit GlobalMaxPooling2D(const kw::Kwargs& kwargs);
};

using GlobalMaxPool2D = GlobalMaxPooling2D;

}  // namespace keras::layers
