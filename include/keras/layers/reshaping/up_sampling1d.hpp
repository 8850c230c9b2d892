#pragma once
// keras.layers.UpSampling1D(size=2): repeats each step of (batch, steps, features) data `size` times, giving
// (batch, steps * size, features). Backward sums the gradients of the copies.
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class UpSampling1D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::size_factor_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit UpSampling1D(A&&... a) : UpSampling1D(kw::collect<UpSampling1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit UpSampling1D(IntTuple size, A&&... a)
      : UpSampling1D(kw::collect<UpSampling1D>(kw::size = std::move(size), std::forward<A>(a)...)) {}
  explicit UpSampling1D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
