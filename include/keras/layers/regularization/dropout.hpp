#pragma once
// keras.layers.Dropout(rate, noise_shape=None, seed=None): in training, zeroes each input value with probability
// `rate` and scales the kept ones by 1 / (1 - rate) (inverted dropout); in inference it returns its input unchanged.
// noise_shape (batch axis included; None entries take the input's size) shares one mask value along the axes where
// it is 1: noise_shape={None, 1, features} drops the same features at every timestep. With seed=, the layer draws its
// masks from its own generator (two layers with the same seed give the same masks); otherwise from the global one
// (reproducible after utils::set_random_seed).
#include "keras/layers/layer.hpp"

namespace keras::layers {

class Dropout : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::rate_t, kw::noise_shape_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Dropout(A&&... a) : Dropout(kw::collect<Dropout>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Dropout(double rate, A&&... a) : Dropout(kw::collect<Dropout>(kw::rate = rate, std::forward<A>(a)...)) {}
  explicit Dropout(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
