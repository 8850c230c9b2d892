#pragma once
// keras.layers.Cropping2D(cropping=((0, 0), (0, 0)), data_format=None): removes rows and columns at the edges of
// (batch, height, width, channels) images ((batch, channels, height, width) with data_format="channels_first").
// cropping is an int (every side), a pair {rows, cols} (symmetric) or pairs {{top, bottom}, {left, right}}:
// Cropping2D(2), Cropping2D({{2, 2}, {4, 4}}). Cropping a whole axis or more is Keras's ValueError.
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class Cropping2D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::cropping_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Cropping2D(A&&... a) : Cropping2D(kw::collect<Cropping2D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Cropping2D(PaddingArg cropping, A&&... a)
      : Cropping2D(kw::collect<Cropping2D>(kw::cropping = std::move(cropping), std::forward<A>(a)...)) {}
  explicit Cropping2D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
