#pragma once
// keras.layers.RandomTranslation(height_factor, width_factor, fill_mode="reflect", interpolation="bilinear",
// seed=None, fill_value=0.0, data_format=None): while training, shifts each image by a draw from height_factor's
// range times its height (positive: down) and width_factor's times its width (positive: right), in fractional
// pixels. Identity in inference.
#include <string>
#include <utility>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"

namespace keras::layers {

class RandomTranslation : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::height_factor_t, kw::width_factor_t, kw::fill_mode_t, kw::interpolation_t, kw::seed_t, kw::fill_value_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomTranslation(A&&... a) : RandomTranslation(kw::collect<RandomTranslation>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomTranslation(FloatList height_factor, FloatList width_factor, A&&... a)
      : RandomTranslation(kw::collect<RandomTranslation>(kw::height_factor = std::move(height_factor), kw::width_factor = std::move(width_factor), std::forward<A>(a)...)) {}
  explicit RandomTranslation(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
