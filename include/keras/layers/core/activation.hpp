#pragma once
// keras.layers.Activation: applies an activation to its input, any rank, same shape out.
// Activation("relu"), Activation(activations::relu) or Activation(activation="softmax"); row-wise activations
// (softmax, log_softmax) act along the last axis.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class Activation : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::activation_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Activation(A&&... a) : Activation(kw::collect<Activation>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Activation(ActivationArg activation, A&&... a)
      : Activation(kw::collect<Activation>(kw::activation = std::move(activation), std::forward<A>(a)...)) {}
  explicit Activation(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
