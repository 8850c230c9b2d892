#pragma once
// keras.layers.Cropping3D(cropping=((1, 1), (1, 1), (1, 1)), data_format=None): removes slices at the edges of the
// three spatial axes of (batch, dim1, dim2, dim3, channels) volumes ((batch, channels, dim1, dim2, dim3) with
// data_format="channels_first"). cropping is an int (every side), three ints {dim1, dim2, dim3} (symmetric) or three
// pairs {{before, after}, ...}: Cropping3D(2), Cropping3D({2, 4, 2}). Cropping a whole axis or more is Keras's
// ValueError.
#include "keras/layers/layer.hpp"
#include "keras/layers/spatial_keywords.hpp"

namespace keras::layers {

class Cropping3D : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::cropping_t, kw::data_format_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Cropping3D(A&&... a) : Cropping3D(kw::collect<Cropping3D>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Cropping3D(PaddingArg cropping, A&&... a)
      : Cropping3D(kw::collect<Cropping3D>(kw::cropping = std::move(cropping), std::forward<A>(a)...)) {}
  explicit Cropping3D(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
