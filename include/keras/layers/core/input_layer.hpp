#pragma once
// keras.Input / keras.layers.InputLayer: the entry point of a functional model, or the first item of a Sequential.
// Input(shape={784}) is a symbolic tensor of shape (None, 784).
#include "keras/layers/layer.hpp"

namespace keras {

namespace layers {
class InputLayer : public Layer {
 public:
  using keywords = kw::keywords<kw::shape_t, kw::batch_size_t, kw::name_t, kw::dtype_t, kw::batch_shape_t,
                                kw::input_shape_t, kw::batch_input_shape_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit InputLayer(A&&... a) : InputLayer(kw::collect<InputLayer>(std::forward<A>(a)...)) {}
  explicit InputLayer(const kw::Kwargs& kwargs);
  // The symbolic tensor this layer produces.
  KerasTensor output() const;
  // The same for any handle to an InputLayer.
  static KerasTensor output_of(const Layer& input_layer);
};
}  // namespace layers

KerasTensor input_from_kwargs(const kw::Kwargs& kwargs);

template <class... A>
  requires kw::all_kwargs<A...>
KerasTensor Input(A&&... a) {
  return input_from_kwargs(kw::collect<layers::InputLayer>(std::forward<A>(a)...));
}
template <class... A>
KerasTensor Input(ShapeArg shape, A&&... a) {
  return input_from_kwargs(kw::collect<layers::InputLayer>(kw::shape = std::move(shape), std::forward<A>(a)...));
}

namespace layers {
using keras::Input;
}  // namespace layers

}  // namespace keras
