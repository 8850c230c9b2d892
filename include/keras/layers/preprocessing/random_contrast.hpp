#pragma once
// keras.layers.RandomContrast(factor, value_range={0, 255}, seed=None): while training, scales each image's
// deviation from its mean (per channel, over height and width) by a draw from [1 - lower, 1 + upper], then clips to
// value_range. As Keras's code (not its docstring), factor=f gives [1, 1 + f]; factor={a, b} gives [1 - a, 1 + b].
// Identity in inference.
#include <string>
#include <utility>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"

namespace keras::layers {

class RandomContrast : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::factor_t, kw::value_range_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomContrast(A&&... a) : RandomContrast(kw::collect<RandomContrast>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomContrast(FloatList factor, A&&... a)
      : RandomContrast(kw::collect<RandomContrast>(kw::factor = std::move(factor), std::forward<A>(a)...)) {}
  explicit RandomContrast(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
