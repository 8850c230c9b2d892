#include "keras/layers/reshaping/zero_padding3d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/reshaping/spatial_reshaping.hpp"

namespace keras::layers {

ZeroPadding3D::ZeroPadding3D(const kw::Kwargs& kwargs) : Layer(detail::make_zero_padding("ZeroPadding3D", 3, kwargs)) {}

KERAS_REGISTER_LAYER(ZeroPadding3D)

}  // namespace keras::layers
