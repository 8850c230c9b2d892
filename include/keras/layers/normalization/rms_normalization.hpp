#pragma once
// keras.layers.RMSNormalization(axis=-1, epsilon=1e-6) (Keras 3.9): scales each sample by the reciprocal of its root
// mean square over `axis`, the same in training and inference:
//   y = x * rsqrt(mean(x^2 over axis) + epsilon) * scale
// `scale` (trainable, initialized to ones) has the normalized axes' shape, e.g. (input_shape[-1],). axis may be a list
// of adjacent axes (RMSNormalization({1, 2})); negative axes count from the end. After the first call the layer
// accepts only inputs with the same sizes there. Not supported yet: axes that are not adjacent.
#include "keras/layers/layer.hpp"
#include "keras/layers/normalization/normalization_keywords.hpp"

namespace keras::layers {

class RMSNormalization : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::axis_t, kw::epsilon_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RMSNormalization(A&&... a) : RMSNormalization(kw::collect<RMSNormalization>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit RMSNormalization(int axis, A&&... a)
      : RMSNormalization(kw::collect<RMSNormalization>(kw::axis = axis, std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RMSNormalization(std::initializer_list<int64_t> axes, A&&... a)
      : RMSNormalization(kw::collect<RMSNormalization>(kw::axis = kw::AxisArg(axes), std::forward<A>(a)...)) {}
  explicit RMSNormalization(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
