#include "keras/layers/pooling/global_average_pooling1d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

GlobalAveragePooling1D::GlobalAveragePooling1D(const kw::Kwargs& kwargs)
    : Layer(detail::make_global_pooling("GlobalAveragePooling1D", 1, detail::PoolMode::average,
                                        kwargs)) {}

KERAS_REGISTER_LAYER(GlobalAveragePooling1D)

}  // namespace keras::layers
