#pragma once
// keras.layers.Subtract: inputs[0] - inputs[1], `layers::Subtract()({a, b})`; exactly two inputs, else
// "A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape=[...]".
// Shapes as every elementwise merge (see base_merge.hpp): equal, or broadcast where a size is 1.
#include "keras/layers/merging/base_merge.hpp"

namespace keras::layers {

class Subtract : public Merge {
 public:
  using keywords = layer_keywords;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Subtract(A&&... a) : Subtract(kw::collect<Subtract>(std::forward<A>(a)...)) {}
  explicit Subtract(const kw::Kwargs& kwargs);
};

// keras.layers.subtract(inputs): `layers::subtract({a, b})`.
inline constexpr MergeFunction<Subtract> subtract{};

}  // namespace keras::layers
