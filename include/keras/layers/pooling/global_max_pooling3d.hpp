#pragma once
// keras.layers.GlobalMaxPooling3D(data_format=None, keepdims=false) (alias GlobalMaxPool3D): the maximum over depth,
// height and width, (batch, depth, height, width, channels) -> (batch, channels); keepdims=true gives (batch, 1, 1,
// 1, channels). data_format="channels_first" takes (batch, channels, depth, height, width). Backward routes each
// gradient to the first maximum.
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class GlobalMaxPooling3D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::data_format_t, kw::keepdims_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GlobalMaxPooling3D(A&&... a)
      : GlobalMaxPooling3D(kw::collect<GlobalMaxPooling3D>(std::forward<A>(a)...)) {}
  explicit GlobalMaxPooling3D(const kw::Kwargs& kwargs);
};

using GlobalMaxPool3D = GlobalMaxPooling3D;

}  // namespace keras::layers
