#pragma once
// keras.layers.GroupNormalization(groups=32, axis=-1, epsilon=1e-3, center=true, scale=true,
//     beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None)
//
// Splits the channels (the entries along `axis`) into `groups` groups of consecutive channels and normalizes each
// sample's group over the group's channels and all the axes other than the batch and channel axes:
//   y = gamma[c] * (x - mean) / sqrt(var + epsilon) + beta[c], the same in training and inference.
// groups=-1 means one group per channel (instance normalization); groups=1 normalizes each sample as a whole but,
// unlike LayerNormalization, keeps gamma and beta per channel. The channel count must be a multiple of groups
// (checked when the layer is built, with Keras's message). gamma, beta: trainable, shape (channels,).
// Not supported yet: a list of axes, masks.
#include "keras/layers/layer.hpp"
#include "keras/layers/normalization/normalization_keywords.hpp"

namespace keras::layers {

class GroupNormalization : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::groups_t, kw::axis_t, kw::epsilon_t, kw::center_t,
                                     kw::scale_t, kw::beta_initializer_t, kw::gamma_initializer_t,
                                     kw::beta_regularizer_t, kw::gamma_regularizer_t, kw::beta_constraint_t,
                                     kw::gamma_constraint_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GroupNormalization(A&&... a) : GroupNormalization(kw::collect<GroupNormalization>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit GroupNormalization(int groups, A&&... a)
      : GroupNormalization(kw::collect<GroupNormalization>(kw::groups = groups, std::forward<A>(a)...)) {}
  explicit GroupNormalization(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
