#pragma once
// keras.layers.Concatenate(axis=-1): joins a list of tensors along `axis`, `layers::Concatenate()({a, b})`,
// `layers::Concatenate(axis=1)({a, b})` or `layers::Concatenate(1)`. The axis counts the batch axis as 0 and may be
// negative (-1 is the last). The inputs must have the same rank and equal sizes on every other axis (None matches
// anything), else Keras's "A `Concatenate` layer requires inputs with matching shapes except for the concatenation
// axis. Received: input_shape=[...]". The output takes the first input's sizes and, on `axis`, the sum of the inputs'
// (None if any is None). An axis outside the rank is numpy's "axis {axis} is out of bounds for array of dimension
// {rank}" (Keras 3 fails there with an IndexError). Called on one tensor it is Keras's "A `Concatenate` layer should
// be called on a list of at least 1 input. Received: input_shape=..." (here a list of one cannot be told from one
// tensor, so it counts as one tensor).
#include "keras/layers/merging/base_merge.hpp"

namespace keras::layers {

class Concatenate : public Merge {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::axis_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Concatenate(A&&... a) : Concatenate(kw::collect<Concatenate>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Concatenate(int axis, A&&... a)
      : Concatenate(kw::collect<Concatenate>(kw::axis = axis, std::forward<A>(a)...)) {}
  explicit Concatenate(const kw::Kwargs& kwargs);
};

// keras.layers.concatenate(inputs, axis=-1): `layers::concatenate({a, b})`.
inline constexpr MergeFunction<Concatenate> concatenate{};

}  // namespace keras::layers
