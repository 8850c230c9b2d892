#pragma once
// keras.layers.UpSampling3D(size=(2, 2, 2), data_format=None): enlarges (batch, dim1, dim2, dim3, channels) volumes
// ((batch, channels, dim1, dim2, dim3) with data_format="channels_first") by integer factors {dim1, dim2, dim3} (or
// one int for all three), repeating each voxel, as Keras 3 does (it has no other interpolation for volumes).
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class UpSampling3D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::size_factor_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit UpSampling3D(A&&... a) : UpSampling3D(kw::collect<UpSampling3D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit UpSampling3D(IntTuple size, A&&... a)
      : UpSampling3D(kw::collect<UpSampling3D>(kw::size = std::move(size), std::forward<A>(a)...)) {}
  explicit UpSampling3D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
