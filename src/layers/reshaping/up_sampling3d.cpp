#include "keras/layers/reshaping/up_sampling3d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/reshaping/spatial_reshaping.hpp"

namespace keras::layers {

UpSampling3D::UpSampling3D(const kw::Kwargs& kwargs) : Layer(detail::make_up_sampling("UpSampling3D", 3, kwargs)) {}

KERAS_REGISTER_LAYER(UpSampling3D)

}  // namespace keras::layers
