#pragma once
// keras.layers.Identity(): returns its input unchanged (the same tensor, no copy), a placeholder where a layer is
// expected. Takes inputs of any rank.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class Identity : public Layer {
 public:
  using keywords = layer_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Identity(A&&... a) : Identity(kw::collect<Identity>(std::forward<A>(a)...)) {}
  explicit Identity(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
