#pragma once
// keras.layers.RepeatVector: repeats each sample's vector n times, (batch, features) -> (batch, n, features).
// Takes inputs of rank 2 exactly (InputSpec ndim=2). The usual bridge from a Dense/encoder output to an RNN.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class RepeatVector : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::n_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RepeatVector(A&&... a) : RepeatVector(kw::collect<RepeatVector>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit RepeatVector(int n, A&&... a) : RepeatVector(kw::collect<RepeatVector>(kw::n = n, std::forward<A>(a)...)) {}
  explicit RepeatVector(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
