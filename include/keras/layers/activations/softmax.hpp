#pragma once
// keras.layers.Softmax(axis=-1): exp(x - max(x)) / sum(exp(x - max(x))) along `axis` (any axis of any rank, the
// batch axis included), same shape out. With axis=-1 a cross-entropy loss computes from the layer's input (the
// logits), as Keras does for a softmax output.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class Softmax : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::axis_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Softmax(A&&... a) : Softmax(kw::collect<Softmax>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Softmax(int axis, A&&... a) : Softmax(kw::collect<Softmax>(kw::axis = axis, std::forward<A>(a)...)) {}
  explicit Softmax(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
