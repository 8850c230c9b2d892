#pragma once
// keras.layers.AlphaDropout(rate, noise_shape=None, seed=None): dropout for SELU networks. In training each value is
// kept with probability 1 - rate or set to SELU's negative saturation alpha' = -1.7580993408473766, then the affine
// a * x + b with a = ((1 - rate)(1 + rate alpha'^2))^-1/2, b = -a alpha' rate restores the mean and variance of
// standardized inputs; in inference it returns its input unchanged. noise_shape (batch axis included; None takes the
// input's size) shares one draw along the axes where it is 1, as Dropout's. rate in [0, 1) (Keras accepts 1, whose
// training output is NaN). With seed= the layer draws from its own generator; otherwise from the global one.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class AlphaDropout : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::rate_t, kw::noise_shape_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit AlphaDropout(A&&... a) : AlphaDropout(kw::collect<AlphaDropout>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit AlphaDropout(double rate, A&&... a)
      : AlphaDropout(kw::collect<AlphaDropout>(kw::rate = rate, std::forward<A>(a)...)) {}
  explicit AlphaDropout(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
