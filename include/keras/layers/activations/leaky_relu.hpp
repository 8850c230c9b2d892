#pragma once
// keras.layers.LeakyReLU(negative_slope=0.3): f(x) = x for x >= 0, negative_slope * x for x < 0; any rank, same
// shape out. The deprecated keyword alpha= is still accepted for negative_slope (with Keras's warning).
#include "keras/layers/layer.hpp"

namespace keras::layers {

class LeakyReLU : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::negative_slope_t, kw::alpha_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit LeakyReLU(A&&... a) : LeakyReLU(kw::collect<LeakyReLU>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit LeakyReLU(double negative_slope, A&&... a)
      : LeakyReLU(kw::collect<LeakyReLU>(kw::negative_slope = negative_slope, std::forward<A>(a)...)) {}
  explicit LeakyReLU(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
