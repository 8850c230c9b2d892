#pragma once
// keras.layers.ReLU(max_value=None, negative_slope=0.0, threshold=0.0): the rectified linear unit with Keras's
// parameters, any rank, same shape out:
//   f(x) = max_value                         if x >= max_value
//   f(x) = x                                 if threshold <= x < max_value
//   f(x) = negative_slope * (x - threshold)  otherwise
// ReLU(6.0) caps at 6 (relu6). All three arguments must be >= 0 (ValueError otherwise, with Keras's message).
#include "keras/layers/layer.hpp"

namespace keras::layers {

class ReLU : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::max_value_t, kw::negative_slope_t, kw::threshold_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ReLU(A&&... a) : ReLU(kw::collect<ReLU>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit ReLU(double max_value, A&&... a) : ReLU(kw::collect<ReLU>(kw::max_value = max_value, std::forward<A>(a)...)) {}
  explicit ReLU(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
