#pragma once
// keras.layers.LayerNormalization(axis=-1, epsilon=1e-3, center=true, scale=true, beta_initializer="zeros",
//     gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None)
//
// Normalizes each sample over `axis`, independently of the batch and the same in training and inference:
//   y = gamma * (x - mean) / sqrt(var + epsilon) + beta, mean and (biased) variance taken along `axis` for every
//   position of the other axes. gamma and beta (trainable, Keras's order gamma, beta) have shape (input_shape[axis],).
// axis may be a list of adjacent axes (axis={1, 2, 3}: over each image as a whole); gamma and beta then have those
// axes' shape, Keras's param_shape. After the first call the layer accepts only inputs with the same sizes there.
// Not supported yet: axes that are not adjacent, rms_scaling=true.
#include "keras/layers/layer.hpp"
#include "keras/layers/normalization/normalization_keywords.hpp"

namespace keras::layers {

class LayerNormalization : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::axis_t, kw::epsilon_t, kw::center_t, kw::scale_t,
                                     kw::beta_initializer_t, kw::gamma_initializer_t, kw::beta_regularizer_t,
                                     kw::gamma_regularizer_t, kw::beta_constraint_t,
                                     kw::gamma_constraint_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit LayerNormalization(A&&... a) : LayerNormalization(kw::collect<LayerNormalization>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit LayerNormalization(int axis, A&&... a)
      : LayerNormalization(kw::collect<LayerNormalization>(kw::axis = axis, std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit LayerNormalization(std::initializer_list<int64_t> axes, A&&... a)
      : LayerNormalization(kw::collect<LayerNormalization>(kw::axis = kw::AxisArg(axes), std::forward<A>(a)...)) {}
  explicit LayerNormalization(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
