#pragma once
// keras.layers.EinsumDense(equation, output_shape): output = activation(einsum(equation, input, kernel) + bias).
// The equation has the form "ab,bc->ac", "...ab,bc->...ac" or "ab...,bc->ac...": the input's labels (the first is the
// batch axis unless an ellipsis stands for leading axes), the kernel's, and the output's. output_shape gives the
// output's sizes without the batch axis and the ellipsis' axes (an int for one axis; None where the input fixes it).
// The kernel has one axis per kernel label, sized from the input or from output_shape; bias_axes (output labels)
// gives the bias its axes, broadcast over the others. Examples (Keras's):
//   EinsumDense("ab,bc->ac", 64, bias_axes="c")           is Dense(64) on (batch, 32)
//   EinsumDense("abc,cd->abd", {None, 64}, bias_axes="d") on (batch, 32, 128) gives (batch, 32, 64)
//   EinsumDense("...x,xy->...y", 64, bias_axes="y")       acts on the last axis of any input
#include <string>

#include "keras/layers/layer.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::kw {
KERAS_KEYWORD(equation, std::string);
KERAS_KEYWORD(bias_axes, std::string);
KERAS_KEYWORD(lora_rank, int);
KERAS_KEYWORD(lora_alpha, double);
}  // namespace keras::kw

namespace keras::layers {

class EinsumDense : public Layer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::equation_t, kw::output_shape_t, kw::activation_t, kw::bias_axes_t,
                        kw::kernel_initializer_t, kw::bias_initializer_t, kw::kernel_regularizer_t,
                        kw::bias_regularizer_t, kw::kernel_constraint_t, kw::bias_constraint_t, kw::lora_rank_t,
                        kw::lora_alpha_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit EinsumDense(A&&... a) : EinsumDense(kw::collect<EinsumDense>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  EinsumDense(std::string equation, OutputShapeArg output_shape, A&&... a)
      : EinsumDense(kw::collect<EinsumDense>(kw::equation = std::move(equation),
                                             kw::output_shape = std::move(output_shape), std::forward<A>(a)...)) {}
  explicit EinsumDense(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
