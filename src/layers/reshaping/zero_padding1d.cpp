#include "keras/layers/reshaping/zero_padding1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/reshaping/spatial_reshaping.hpp"

namespace keras::layers {

ZeroPadding1D::ZeroPadding1D(const kw::Kwargs& kwargs) : Layer(detail::make_zero_padding("ZeroPadding1D", 1, kwargs)) {}

KERAS_REGISTER_LAYER(ZeroPadding1D)

}  // namespace keras::layers
