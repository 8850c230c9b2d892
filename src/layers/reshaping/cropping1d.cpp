#include "keras/layers/reshaping/cropping1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/reshaping/spatial_reshaping.hpp"

namespace keras::layers {

Cropping1D::Cropping1D(const kw::Kwargs& kwargs) : Layer(detail::make_cropping("Cropping1D", 1, kwargs)) {}

KERAS_REGISTER_LAYER(Cropping1D)

}  // namespace keras::layers
