#pragma once
// keras.layers.ZeroPadding3D(padding=((1, 1), (1, 1), (1, 1)), data_format=None): adds zeros around the three
// spatial axes of (batch, dim1, dim2, dim3, channels) volumes ((batch, channels, dim1, dim2, dim3) with
// data_format="channels_first"). padding is an int (every side), three ints {dim1, dim2, dim3} (symmetric) or three
// pairs {{before, after}, ...}: ZeroPadding3D(2), ZeroPadding3D({1, 2, 0}), ZeroPadding3D({{1, 0}, {2, 2}, {0, 3}}).
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class ZeroPadding3D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::padding_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ZeroPadding3D(A&&... a) : ZeroPadding3D(kw::collect<ZeroPadding3D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ZeroPadding3D(PaddingArg padding, A&&... a)
      : ZeroPadding3D(kw::collect<ZeroPadding3D>(kw::padding = std::move(padding), std::forward<A>(a)...)) {}
  explicit ZeroPadding3D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
