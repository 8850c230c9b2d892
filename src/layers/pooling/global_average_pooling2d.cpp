#include "keras/layers/pooling/global_average_pooling2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

GlobalAveragePooling2D::GlobalAveragePooling2D(const kw::Kwargs& kwargs)
    : Layer(detail::make_global_pooling("GlobalAveragePooling2D", 2, detail::PoolMode::average,
                                        kwargs)) {}

KERAS_REGISTER_LAYER(GlobalAveragePooling2D)

}  // namespace keras::layers
