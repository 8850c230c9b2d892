#pragma once
// keras.layers.Add: the elementwise sum of a list of tensors, `layers::Add()({a, b})`.
// Shapes as every elementwise merge (see base_merge.hpp): equal, or broadcast where a size is 1.
#include "keras/layers/merging/base_merge.hpp"

namespace keras::layers {

class Add : public Merge {
 public:
  using keywords = layer_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Add(A&&... a) : Add(kw::collect<Add>(std::forward<A>(a)...)) {}
  explicit Add(const kw::Kwargs& kwargs);
};

// keras.layers.add(inputs): `layers::add({a, b})`.
inline constexpr MergeFunction<Add> add{};

}  // namespace keras::layers
