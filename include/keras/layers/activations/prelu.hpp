#pragma once
// keras.layers.PReLU(alpha_initializer="Zeros", alpha_regularizer=None, shared_axes=None): the parametric ReLU
// f(x) = x for x >= 0, alpha * x for x < 0, with a trainable weight `alpha` of shape input_shape[1:] (the batch
// axis left out), of size 1 along the shared_axes: for (batch, height, width, channels) feature maps,
// shared_axes={1, 2} learns one alpha per channel. alpha_constraint= projects alpha after each optimizer step.
#include "keras/core/args.hpp"
#include "keras/layers/layer.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::kw {
KERAS_KEYWORD(alpha_initializer, InitializerArg);
KERAS_KEYWORD(shared_axes, IntTuple);
}  // namespace keras::kw

namespace keras::layers {

class PReLU : public Layer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::alpha_initializer_t, kw::alpha_regularizer_t, kw::alpha_constraint_t,
                        kw::shared_axes_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit PReLU(A&&... a) : PReLU(kw::collect<PReLU>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit PReLU(InitializerArg alpha_initializer, A&&... a)
      : PReLU(kw::collect<PReLU>(kw::alpha_initializer = std::move(alpha_initializer), std::forward<A>(a)...)) {}
  explicit PReLU(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
