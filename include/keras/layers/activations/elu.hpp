#pragma once
// keras.layers.ELU(alpha=1.0): f(x) = x for x > 0, alpha * (exp(x) - 1) otherwise; any rank, same shape out.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class ELU : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::alpha_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ELU(A&&... a) : ELU(kw::collect<ELU>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit ELU(double alpha, A&&... a) : ELU(kw::collect<ELU>(kw::alpha = alpha, std::forward<A>(a)...)) {}
  explicit ELU(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
