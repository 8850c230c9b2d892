#pragma once
// keras.layers.UpSampling2D(size=(2, 2), data_format=None, interpolation="nearest"): enlarges (batch, height, width,
// channels) images ((batch, channels, height, width) with data_format="channels_first") by integer factors
// {rows, cols}. "nearest" repeats pixels; "bilinear" interpolates with half-pixel centres and clamped edges, as
// tf.image.resize does. Keras's other interpolations ("bicubic", "lanczos3", "lanczos5", "area") are not
// supported yet (NotImplementedError).
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class UpSampling2D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::size_factor_t, kw::data_format_t, kw::interpolation_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit UpSampling2D(A&&... a) : UpSampling2D(kw::collect<UpSampling2D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit UpSampling2D(IntTuple size, A&&... a)
      : UpSampling2D(kw::collect<UpSampling2D>(kw::size = std::move(size), std::forward<A>(a)...)) {}
  explicit UpSampling2D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
