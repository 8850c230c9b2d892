#include "keras/layers/reshaping/cropping3d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/reshaping/spatial_reshaping.hpp"

namespace keras::layers {

Cropping3D::Cropping3D(const kw::Kwargs& kwargs) : Layer(detail::make_cropping("Cropping3D", 3, kwargs)) {}

KERAS_REGISTER_LAYER(Cropping3D)

}  // namespace keras::layers
