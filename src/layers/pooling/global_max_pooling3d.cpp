#include "keras/layers/pooling/global_max_pooling3d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

GlobalMaxPooling3D::GlobalMaxPooling3D(const kw::Kwargs& kwargs)
    : Layer(detail::make_global_pooling("GlobalMaxPooling3D", 3, detail::PoolMode::max, kwargs)) {}

KERAS_REGISTER_LAYER(GlobalMaxPooling3D)

}  // namespace keras::layers
