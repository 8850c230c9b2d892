#pragma once
// keras.layers.RandomCrop(height, width, seed=None, data_format=None): while training, a (height, width) window at
// a random offset (one per batch, as Keras) of images at least that large; otherwise, and in inference, the largest
// centred window of the target's aspect ratio resized to (height, width) (Keras 3.0's smart_resize; Keras 3.6+
// returns the input unchanged in inference, against its own output shape: keras-team/keras#21868).
#include <string>
#include <utility>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"

namespace keras::layers {

class RandomCrop : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::height_t, kw::width_t, kw::seed_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomCrop(A&&... a) : RandomCrop(kw::collect<RandomCrop>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomCrop(int height, int width, A&&... a)
      : RandomCrop(kw::collect<RandomCrop>(kw::height = height, kw::width = width, std::forward<A>(a)...)) {}
  explicit RandomCrop(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
