#pragma once
// keras.layers.GaussianNoise(stddev, seed=None): in training, adds zero-mean normal noise of standard deviation
// stddev (between 0 and 1) to every value; in inference it returns its input unchanged. Any rank. With seed= the
// layer draws from its own generator (two layers with the same seed add the same noise); otherwise from the global
// one (reproducible after utils::set_random_seed). The gradient is the identity.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class GaussianNoise : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::stddev_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GaussianNoise(A&&... a) : GaussianNoise(kw::collect<GaussianNoise>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit GaussianNoise(double stddev, A&&... a)
      : GaussianNoise(kw::collect<GaussianNoise>(kw::stddev = stddev, std::forward<A>(a)...)) {}
  explicit GaussianNoise(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
