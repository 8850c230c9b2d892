#pragma once
// keras.layers.CenterCrop(height, width, data_format=None): the centred (height, width) window of each image (the
// extra row or column of an odd difference left at the bottom/right); an image smaller than that in either
// dimension is first cropped to the target's aspect ratio and resized (Keras's smart_resize). Always applied.
#include <string>
#include <utility>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"

namespace keras::layers {

class CenterCrop : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::height_t, kw::width_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit CenterCrop(A&&... a) : CenterCrop(kw::collect<CenterCrop>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit CenterCrop(int height, int width, A&&... a)
      : CenterCrop(kw::collect<CenterCrop>(kw::height = height, kw::width = width, std::forward<A>(a)...)) {}
  explicit CenterCrop(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
