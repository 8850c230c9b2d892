#include "keras/layers/pooling/average_pooling3d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

AveragePooling3D::AveragePooling3D(const kw::Kwargs& kwargs)
    : Layer(detail::make_pooling("AveragePooling3D", 3, detail::PoolMode::average, kwargs)) {}

KERAS_REGISTER_LAYER(AveragePooling3D)

}  // namespace keras::layers
