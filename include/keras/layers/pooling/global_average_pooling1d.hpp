#pragma once
// keras.layers.GlobalAveragePooling1D(data_format=None, keepdims=false) (alias GlobalAvgPool1D): the mean over the
// steps, (batch, steps, features) -> (batch, features); keepdims=true gives (batch, 1, features).
// data_format="channels_first" takes (batch, features, steps). (Keras's mask= argument is not supported.)
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class GlobalAveragePooling1D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::data_format_t, kw::keepdims_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GlobalAveragePooling1D(A&&... a)
      : GlobalAveragePooling1D(kw::collect<GlobalAveragePooling1D>(std::forward<A>(a)...)) {}
  explicit GlobalAveragePooling1D(const kw::Kwargs& kwargs);
};

using GlobalAvgPool1D = GlobalAveragePooling1D;

}  // namespace keras::layers
