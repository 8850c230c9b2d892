#pragma once
// keras.layers.Dense: output = activation(dot(input, kernel) + bias), acting on the last axis of any input of
// rank >= 2 (a (32, 10, 5) input gives (32, 10, units)). Kernel (in, units), glorot_uniform; bias zeros.
// kernel_regularizer= / bias_regularizer= (a name such as "l2" or an object such as regularizers::L2(0.01)) add
// their penalties to the training loss; kernel_constraint= / bias_constraint= (constraints::MaxNorm(2.0), "non_neg")
// project the weights after each optimizer step; activity_regularizer= (every layer's) penalizes the output.
#include "keras/layers/layer.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::layers {

class Dense : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::units_t, kw::activation_t, kw::use_bias_t,
                                     kw::kernel_initializer_t, kw::bias_initializer_t, kw::kernel_regularizer_t,
                                     kw::bias_regularizer_t, kw::kernel_constraint_t, kw::bias_constraint_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Dense(A&&... a) : Dense(kw::collect<Dense>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Dense(int units, A&&... a) : Dense(kw::collect<Dense>(kw::units = units, std::forward<A>(a)...)) {}
  explicit Dense(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
