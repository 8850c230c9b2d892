#pragma once
// keras.layers.Reshape: (batch, ...) -> (batch, *target_shape). target_shape excludes the batch axis; one entry may
// be -1, inferred from the number of values per sample. The total number of values per sample must stay the same:
// a mismatch is Keras's ValueError when the model is defined (a (None, 1) input cannot become (None, 64); use
// RepeatVector or Dense for that). The output is a view of the input (no copy).
#include <cstdint>
#include <vector>

#include "keras/layers/layer.hpp"

namespace keras::layers {

class Reshape : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::target_shape_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Reshape(A&&... a) : Reshape(kw::collect<Reshape>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Reshape(std::vector<int64_t> target_shape, A&&... a)
      : Reshape(kw::collect<Reshape>(kw::target_shape = std::move(target_shape), std::forward<A>(a)...)) {}
  explicit Reshape(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
