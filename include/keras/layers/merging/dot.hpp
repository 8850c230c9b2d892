#pragma once
// keras.layers.Dot(axes, normalize=False): the batched dot product of two tensors, `layers::Dot(axes=1)({a, b})`,
// and its functional form `layers::dot({a, b}, axes)`.
//
// axes is one axis for both inputs (Dot(2), Dot(axes=-1); a negative int counts from each input's end, as Python's
// axes % rank) or one per input (Dot({1, 2})). The batch axis (0) is never summed over. As Keras's batch_dot, the
// output is the first input's shape without its dot axis, followed by the second's without its batch and dot axes:
// (b, n, d) . (b, m, d) with axes=2 gives (b, n, m), the attention scores; two (b, d) inputs give (b, 1).
// normalize=true L2-normalises both inputs along their dot axes first (Keras's ops.normalize: x / max(||x||, 1e-7)),
// so the output is the cosine similarity.
//
// normalize is a keyword only: a positional bool would make Dot({1, 2}) ambiguous.
//
// Errors, in Keras's words, on every call (symbolic or eager): not two inputs ("A `Dot` layer should be called on a
// list of 2 inputs."), an input of rank < 2, different batch sizes, a dot over axis 0, and axis sizes that differ
// ("Incompatible input shapes: axis values ... Full input shapes: ..."; a None size matches anything, as batch_dot
// does). An axis beyond an input's rank is numpy's "axis ... is out of bounds for array of dimension ...".
// Keras 3 computes no mask for the output.
#include "keras/core/args.hpp"
#include "keras/layers/merging/base_merge.hpp"

namespace keras::kw {
KERAS_KEYWORD(axes, IntTuple);
KERAS_KEYWORD(normalize, bool);
}  // namespace keras::kw

namespace keras::layers {

class Dot : public Merge {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::axes_t, kw::normalize_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Dot(A&&... a) : Dot(kw::collect<Dot>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Dot(IntTuple axes, A&&... a) : Dot(kw::collect<Dot>(kw::axes = std::move(axes), std::forward<A>(a)...)) {}
  explicit Dot(const kw::Kwargs& kwargs);
};

// keras.layers.dot(inputs, axes=-1, **kwargs): Dot(axes, ...) called on the two inputs.
template <class... A>
  requires kw::all_kwargs<A...>
KerasTensor dot(const std::vector<KerasTensor>& inputs, IntTuple axes, A&&... a) {
  return Dot(std::move(axes), std::forward<A>(a)...)(inputs);
}
template <class... A>
  requires kw::all_kwargs<A...>
Tensor dot(const std::vector<Tensor>& inputs, IntTuple axes, A&&... a) {
  return Dot(std::move(axes), std::forward<A>(a)...)(inputs);
}
template <class... A>
  requires kw::all_kwargs<A...>
KerasTensor dot(const std::vector<KerasTensor>& inputs, A&&... a) {
  return Dot(kw::axes = IntTuple(-1), std::forward<A>(a)...)(inputs);
}
template <class... A>
  requires kw::all_kwargs<A...>
Tensor dot(const std::vector<Tensor>& inputs, A&&... a) {
  return Dot(kw::axes = IntTuple(-1), std::forward<A>(a)...)(inputs);
}

}  // namespace keras::layers
