#pragma once
// keras.layers.RandomFlip(mode="horizontal_and_vertical", seed=None, data_format=None): while training, flips each
// image with probability 0.5: "horizontal" left-right, "vertical" top-bottom, "horizontal_and_vertical" both at
// once (one coin per image, as Keras 3.6+). Identity in inference (predict, evaluate). Images (batch, height, width,
// channels), or channels first; rank 3 for one image.
#include <string>
#include <utility>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"

namespace keras::layers {

class RandomFlip : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::mode_t, kw::seed_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomFlip(A&&... a) : RandomFlip(kw::collect<RandomFlip>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomFlip(std::string mode, A&&... a)
      : RandomFlip(kw::collect<RandomFlip>(kw::mode = std::move(mode), std::forward<A>(a)...)) {}
  explicit RandomFlip(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
