#pragma once
// keras.layers.ZeroPadding2D(padding=(1, 1), data_format=None): adds rows and columns of zeros around
// (batch, height, width, channels) images ((batch, channels, height, width) with data_format="channels_first").
// padding is an int (every side), a pair {rows, cols} (symmetric) or pairs {{top, bottom}, {left, right}}:
// ZeroPadding2D(1), ZeroPadding2D({1, 2}), ZeroPadding2D({{1, 0}, {2, 3}}).
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class ZeroPadding2D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::padding_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ZeroPadding2D(A&&... a) : ZeroPadding2D(kw::collect<ZeroPadding2D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ZeroPadding2D(PaddingArg padding, A&&... a)
      : ZeroPadding2D(kw::collect<ZeroPadding2D>(kw::padding = std::move(padding), std::forward<A>(a)...)) {}
  explicit ZeroPadding2D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
