#pragma once
// keras.layers.Resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=false,
// pad_to_aspect_ratio=false, fill_mode="constant", fill_value=0.0, data_format=None): resizes images to
// (height, width) as tf.image.resize (half-pixel centres), after cropping the largest centred window of the
// target's aspect ratio, or padding to it with fill_value. Always applied.
#include <string>
#include <utility>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"

namespace keras::layers {

class Resizing : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::height_t, kw::width_t, kw::interpolation_t, kw::crop_to_aspect_ratio_t, kw::pad_to_aspect_ratio_t, kw::fill_mode_t, kw::fill_value_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Resizing(A&&... a) : Resizing(kw::collect<Resizing>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Resizing(int height, int width, A&&... a)
      : Resizing(kw::collect<Resizing>(kw::height = height, kw::width = width, std::forward<A>(a)...)) {}
  explicit Resizing(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
