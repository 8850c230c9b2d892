#pragma once
// keras.layers.SpatialDropout1D(rate, seed=None), SpatialDropout2D(rate, data_format=None, seed=None) and
// SpatialDropout3D(rate, data_format=None, seed=None): Dropout that drops whole feature maps. In training, each
// (sample, channel) pair is dropped with probability `rate`, all its steps, pixels or voxels at once, and the kept
// channels are scaled by 1 / (1 - rate); in inference the input is returned unchanged. SpatialDropout1D takes
// (batch, steps, channels); SpatialDropout2D (batch, height, width, channels) and SpatialDropout3D (batch, dim1, dim2,
// dim3, channels), or the channel axis second with data_format="channels_first". Seeds work as Dropout's.
#include "keras/layers/layer.hpp"

namespace keras::layers {

class SpatialDropout1D : public Layer {
 public:
  // Keras's signature: (rate, seed=None, name=None, dtype=None).
  using keywords = kw::keywords<kw::name_t, kw::dtype_t, kw::rate_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SpatialDropout1D(A&&... a) : SpatialDropout1D(kw::collect<SpatialDropout1D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SpatialDropout1D(double rate, A&&... a)
      : SpatialDropout1D(kw::collect<SpatialDropout1D>(kw::rate = rate, std::forward<A>(a)...)) {}
  explicit SpatialDropout1D(const kw::Kwargs& kwargs);
};

class SpatialDropout2D : public Layer {
 public:
  // Keras's signature: (rate, data_format=None, seed=None, name=None, dtype=None).
  using keywords = kw::keywords<kw::name_t, kw::dtype_t, kw::rate_t, kw::data_format_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SpatialDropout2D(A&&... a) : SpatialDropout2D(kw::collect<SpatialDropout2D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SpatialDropout2D(double rate, A&&... a)
      : SpatialDropout2D(kw::collect<SpatialDropout2D>(kw::rate = rate, std::forward<A>(a)...)) {}
  explicit SpatialDropout2D(const kw::Kwargs& kwargs);
};

class SpatialDropout3D : public Layer {
 public:
  // Keras's signature: (rate, data_format=None, seed=None, name=None, dtype=None).
  using keywords = kw::keywords<kw::name_t, kw::dtype_t, kw::rate_t, kw::data_format_t, kw::seed_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SpatialDropout3D(A&&... a) : SpatialDropout3D(kw::collect<SpatialDropout3D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SpatialDropout3D(double rate, A&&... a)
      : SpatialDropout3D(kw::collect<SpatialDropout3D>(kw::rate = rate, std::forward<A>(a)...)) {}
  explicit SpatialDropout3D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
