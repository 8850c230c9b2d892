#pragma once
// keras.layers.Maximum: the elementwise maximum of a list of tensors, `layers::Maximum()({a, b})`.
// The gradient of each output element goes to the input that holds the maximum; on a tie, to the first such input
// in list order (TensorFlow's rule: its Maximum gradient uses x >= y). Shapes as every elementwise merge
// (see base_merge.hpp).
#include "keras/layers/merging/base_merge.hpp"

namespace keras::layers {

class Maximum : public Merge {
 public:
  using keywords = layer_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Maximum(A&&... a) : Maximum(kw::collect<Maximum>(std::forward<A>(a)...)) {}
  explicit Maximum(const kw::Kwargs& kwargs);
};

// keras.layers.maximum(inputs): `layers::maximum({a, b})`.
inline constexpr MergeFunction<Maximum> maximum{};

}  // namespace keras::layers
