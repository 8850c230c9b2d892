#pragma once
// keras.layers.GlobalAveragePooling3D(data_format=None, keepdims=false) (alias GlobalAvgPool3D): the mean over
// depth, height and width, (batch, depth, height, width, channels) -> (batch, channels); keepdims=true gives (batch,
// 1, 1, 1, channels). data_format="channels_first" takes (batch, channels, depth, height, width).
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class GlobalAveragePooling3D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::data_format_t, kw::keepdims_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GlobalAveragePooling3D(A&&... a)
      : GlobalAveragePooling3D(kw::collect<GlobalAveragePooling3D>(std::forward<A>(a)...)) {}
  explicit GlobalAveragePooling3D(const kw::Kwargs& kwargs);
};

using GlobalAvgPool3D = GlobalAveragePooling3D;

}  // namespace keras::layers
