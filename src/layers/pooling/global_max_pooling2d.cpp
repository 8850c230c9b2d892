#include "keras/layers/pooling/global_max_pooling2d.hpp"

#include "keras/layers/registry.hpp"
#include "layers/pooling/base_pooling.hpp"

namespace keras::layers {

GlobalMaxPooling2D::GlobalMaxPooling2D(const kw::Kwargs& kwargs)
    : Layer(detail::make_global_pooling("GlobalMaxPooling2D", 2, detail::PoolMode::max,
                                        kwargs)) {}

KERAS_REGISTER_LAYER(GlobalMaxPooling2D)

}  // namespace keras::layers
