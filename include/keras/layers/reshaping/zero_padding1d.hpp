#pragma once
// keras.layers.ZeroPadding1D(padding=1, data_format=None): adds zeros at the start and end of the steps axis of
// (batch, steps, features) data ((batch, features, steps) with data_format="channels_first"). padding is an int (the
// same at both ends) or a pair {before, after}: ZeroPadding1D(2), ZeroPadding1D({1, 3}).
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class ZeroPadding1D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::padding_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ZeroPadding1D(A&&... a) : ZeroPadding1D(kw::collect<ZeroPadding1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ZeroPadding1D(PaddingArg padding, A&&... a)
      : ZeroPadding1D(kw::collect<ZeroPadding1D>(kw::padding = std::move(padding), std::forward<A>(a)...)) {}
  explicit ZeroPadding1D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
