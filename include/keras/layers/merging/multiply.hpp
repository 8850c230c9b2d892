#pragma once
// keras.layers.Multiply: the elementwise product of a list of tensors, `layers::Multiply()({a, b})`.
// Shapes as every elementwise merge (see base_merge.hpp): equal, or broadcast where a size is 1.
#include "keras/layers/merging/base_merge.hpp"

namespace keras::layers {

class Multiply : public Merge {
 public:
  using keywords = layer_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Multiply(A&&... a) : Multiply(kw::collect<Multiply>(std::forward<A>(a)...)) {}
  explicit Multiply(const kw::Kwargs& kwargs);
};

// keras.layers.multiply(inputs): `layers::multiply({a, b})`.
inline constexpr MergeFunction<Multiply> multiply{};

}  // namespace keras::layers
