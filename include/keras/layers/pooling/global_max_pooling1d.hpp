#pragma once
// keras.layers.GlobalMaxPooling1D(data_format=None, keepdims=false) (alias GlobalMaxPool1D): the maximum over the
// steps, (batch, steps, features) -> (batch, features); keepdims=true gives (batch, 1, features).
// data_format="channels_first" takes (batch, features, steps). Backward routes each gradient to the first maximum.
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class GlobalMaxPooling1D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::data_format_t, kw::keepdims_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GlobalMaxPooling1D(A&&... a)
      : GlobalMaxPooling1D(kw::collect<GlobalMaxPooling1D>(std::forward<A>(a)...)) {}
  explicit GlobalMaxPooling1D(const kw::Kwargs& kwargs);
};

using GlobalMaxPool1D = GlobalMaxPooling1D;

}  // namespace keras::layers
