#include "keras/layers/pooling/max_pooling3d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

MaxPooling3D::MaxPooling3D(const kw::Kwargs& kwargs)
    : Layer(detail::make_pooling("MaxPooling3D", 3, detail::PoolMode::max, kwargs)) {}

KERAS_REGISTER_LAYER(MaxPooling3D)

}  // namespace keras::layers
