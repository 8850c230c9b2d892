#pragma once
// keras.layers.RandomBrightness(factor, value_range={0, 255}, seed=None): while training, adds to each image a draw
// from [lower, upper] times the width of value_range (factor=f: [-f, f]), then clips to value_range. Identity in
// inference.
#include <string>
#include <utility>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"

namespace keras::layers {

class RandomBrightness : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::factor_t, kw::value_range_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomBrightness(A&&... a) : RandomBrightness(kw::collect<RandomBrightness>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomBrightness(FloatList factor, A&&... a)
      : RandomBrightness(kw::collect<RandomBrightness>(kw::factor = std::move(factor), std::forward<A>(a)...)) {}
  explicit RandomBrightness(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
