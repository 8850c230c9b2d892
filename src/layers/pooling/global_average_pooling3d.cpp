#include "keras/layers/pooling/global_average_pooling3d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

GlobalAveragePooling3D::GlobalAveragePooling3D(const kw::Kwargs& kwargs)
    : Layer(detail::make_global_pooling("GlobalAveragePooling3D", 3, detail::PoolMode::average, kwargs)) {}

KERAS_REGISTER_LAYER(GlobalAveragePooling3D)

}  // namespace keras::layers
