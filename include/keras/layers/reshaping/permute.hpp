#pragma once
// keras.layers.Permute: reorders the non-batch axes. dims is 1-based and excludes the batch axis (which stays first):
// Permute({2, 1}) turns (batch, 10, 64) into (batch, 64, 10). Inputs must have rank len(dims) + 1.
#include <cstdint>
#include <vector>

#include "keras/layers/layer.hpp"

namespace keras::layers {

class Permute : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::dims_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Permute(A&&... a) : Permute(kw::collect<Permute>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Permute(std::vector<int64_t> dims, A&&... a)
      : Permute(kw::collect<Permute>(kw::dims = std::move(dims), std::forward<A>(a)...)) {}
  explicit Permute(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
