#pragma once
// keras.layers.RandomRotation(factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
// data_format=None): while training, rotates each image about its centre by an angle drawn from
// [lower, upper] * 360 degrees (factor=f: [-f, f]; counter-clockwise for positive angles), sampling as TensorFlow's
// ImageProjectiveTransformV3. Identity in inference.
#include <string>
#include <utility>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"

namespace keras::layers {

class RandomRotation : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::factor_t, kw::fill_mode_t, kw::interpolation_t, kw::seed_t, kw::fill_value_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomRotation(A&&... a) : RandomRotation(kw::collect<RandomRotation>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomRotation(FloatList factor, A&&... a)
      : RandomRotation(kw::collect<RandomRotation>(kw::factor = std::move(factor), std::forward<A>(a)...)) {}
  explicit RandomRotation(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
