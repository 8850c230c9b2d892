#include "keras/layers/reshaping/cropping2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/reshaping/spatial_reshaping.hpp"

namespace keras::layers {

Cropping2D::Cropping2D(const kw::Kwargs& kwargs) : Layer(detail::make_cropping("Cropping2D", 2, kwargs)) {}

KERAS_REGISTER_LAYER(Cropping2D)

}  // namespace keras::layers
