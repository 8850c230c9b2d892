#pragma once
// keras.layers.Minimum: the elementwise minimum of a list of tensors, `layers::Minimum()({a, b})`.
// The gradient of each output element goes to the input that holds the minimum; on a tie, to the first such input
// in list order (TensorFlow's rule: its Minimum gradient uses x <= y). Shapes as every elementwise merge
// (see base_merge.hpp).
#include "keras/layers/merging/base_merge.hpp"

namespace keras::layers {

class Minimum : public Merge {
 public:
  using keywords = layer_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Minimum(A&&... a) : Minimum(kw::collect<Minimum>(std::forward<A>(a)...)) {}
  explicit Minimum(const kw::Kwargs& kwargs);
};

// keras.layers.minimum(inputs): `layers::minimum({a, b})`.
inline constexpr MergeFunction<Minimum> minimum{};

}  // namespace keras::layers
