#pragma once
// keras.layers.GaussianDropout(rate, seed=None): in training, multiplies every value by 1-centred normal noise of
// standard deviation sqrt(rate / (1 - rate)) (the variance inverted dropout of that rate has); in inference it returns
// its input unchanged. rate in [0, 1) (Keras accepts 1 and then fails in training). With seed= the layer draws from
// its own generator; otherwise from the global one (reproducible after utils::set_random_seed). The gradient is the
// same noise times the output gradient.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class GaussianDropout : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::rate_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GaussianDropout(A&&... a) : GaussianDropout(kw::collect<GaussianDropout>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GaussianDropout(double rate, A&&... a)
      : GaussianDropout(kw::collect<GaussianDropout>(kw::rate = rate, std::forward<A>(a)...)) {}
  explicit GaussianDropout(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
