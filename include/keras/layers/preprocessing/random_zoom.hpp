#pragma once
// keras.layers.RandomZoom(height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear",
// seed=None, fill_value=0.0, data_format=None): while training, zooms each image about its centre by 1 + a draw
// from height_factor's range vertically (positive: zoom out, the content shrinks) and from width_factor's
// horizontally (None: the same draw, keeping the aspect ratio). Identity in inference.
#include <string>
#include <utility>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"

namespace keras::layers {

class RandomZoom : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::height_factor_t, kw::width_factor_t, kw::fill_mode_t, kw::interpolation_t, kw::seed_t, kw::fill_value_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomZoom(A&&... a) : RandomZoom(kw::collect<RandomZoom>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomZoom(FloatList height_factor, A&&... a)
      : RandomZoom(kw::collect<RandomZoom>(kw::height_factor = std::move(height_factor), std::forward<A>(a)...)) {}
  explicit RandomZoom(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
