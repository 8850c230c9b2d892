#pragma once
// keras.layers.Average: the elementwise mean of a list of tensors, (x_0 + ... + x_{n-1}) / n.
// Shapes as every elementwise merge (see base_merge.hpp): equal, or broadcast where a size is 1.
#include "keras/layers/merging/base_merge.hpp"

namespace keras::layers {

class Average : public Merge {
 public:
  using keywords = layer_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Average(A&&... a) : Average(kw::collect<Average>(std::forward<A>(a)...)) {}
  explicit Average(const kw::Kwargs& kwargs);
};

// keras.layers.average(inputs): `layers::average({a, b})`.
inline constexpr MergeFunction<Average> average{};

}  // namespace keras::layers
