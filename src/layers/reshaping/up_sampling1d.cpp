#include "keras/layers/reshaping/up_sampling1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/reshaping/spatial_reshaping.hpp"

namespace keras::layers {

UpSampling1D::UpSampling1D(const kw::Kwargs& kwargs) : Layer(detail::make_up_sampling("UpSampling1D", 1, kwargs)) {}

KERAS_REGISTER_LAYER(UpSampling1D)

}  // namespace keras::layers
