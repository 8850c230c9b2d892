#include "keras/layers/reshaping/zero_padding2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/reshaping/spatial_reshaping.hpp"

namespace keras::layers {

ZeroPadding2D::ZeroPadding2D(const kw::Kwargs& kwargs) : Layer(detail::make_zero_padding("ZeroPadding2D", 2, kwargs)) {}

KERAS_REGISTER_LAYER(ZeroPadding2D)

}  // namespace keras::layers
