#pragma once
// keras.layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, center=true, scale=true,
//     beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
//     moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None)
//
// Normalizes each channel (the entries along `axis`) over all the other axes:
//   training (fit, or call_eager(..., training=true)): y = gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta with
//     the batch's mean and biased variance, and moving = moving * momentum + batch * (1 - momentum) for
//     moving_mean and moving_variance;
//   inference (predict, evaluate, a plain call): the same with moving_mean and moving_variance.
// As in Keras, a layer with trainable=false runs in inference mode even when training, and leaves its moving
// statistics alone. Weights, in Keras's order: gamma (if scale), beta (if center) — trainable — then moving_mean and
// moving_variance — non-trainable; all of shape (channels,), so 4C parameters of which 2C are trainable.
// After the first call the layer accepts only inputs of the same rank and channel count (Keras's InputSpec).
// Not supported yet: masks, synchronized=True.
#include "keras/layers/layer.hpp"
#include "keras/layers/normalization/normalization_keywords.hpp"

namespace keras::layers {

class BatchNormalization : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::axis_t, kw::momentum_t, kw::epsilon_t, kw::center_t,
                                     kw::scale_t, kw::beta_initializer_t, kw::gamma_initializer_t,
                                     kw::moving_mean_initializer_t, kw::moving_variance_initializer_t,
                                     kw::beta_regularizer_t, kw::gamma_regularizer_t, kw::beta_constraint_t,
                                     kw::gamma_constraint_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit BatchNormalization(A&&... a) : BatchNormalization(kw::collect<BatchNormalization>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit BatchNormalization(int axis, A&&... a)
      : BatchNormalization(kw::collect<BatchNormalization>(kw::axis = axis, std::forward<A>(a)...)) {}
  explicit BatchNormalization(const kw::Kwargs& kwargs);

  // Keras's layer.moving_mean / layer.moving_variance (the layer must be built).
  Tensor moving_mean() const;
  Tensor moving_variance() const;
};

}  // namespace keras::layers
