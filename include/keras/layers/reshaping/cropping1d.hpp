#pragma once
// keras.layers.Cropping1D(cropping=(1, 1)): removes steps at the start and end of (batch, steps, features) data.
// cropping is an int (the same at both ends) or a pair {before, after}: Cropping1D(2), Cropping1D({1, 3}). Cropping as
// much as the input's length or more is Keras's ValueError.
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class Cropping1D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::cropping_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Cropping1D(A&&... a) : Cropping1D(kw::collect<Cropping1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Cropping1D(PaddingArg cropping, A&&... a)
      : Cropping1D(kw::collect<Cropping1D>(kw::cropping = std::move(cropping), std::forward<A>(a)...)) {}
  explicit Cropping1D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
