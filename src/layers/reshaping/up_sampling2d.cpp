#include "keras/layers/reshaping/up_sampling2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/reshaping/spatial_reshaping.hpp"

namespace keras::layers {

UpSampling2D::UpSampling2D(const kw::Kwargs& kwargs) : Layer(detail::make_up_sampling("UpSampling2D", 2, kwargs)) {}

KERAS_REGISTER_LAYER(UpSampling2D)

}  // namespace keras::layers
