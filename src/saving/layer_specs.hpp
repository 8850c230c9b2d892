#pragma once
// One table per layer class of the config keys Keras 3's get_config writes, with Keras's defaults, and the
// conversion of a keraspp layer to / from its Keras config.
#include <optional>
#include <string>
#include <vector>

#include "keras/layers/layer.hpp"
#include "saving/config_codec.hpp"

namespace keras::saving::detail {

// The layer's "config" object, as Keras 3's get_config: name, trainable, dtype, then the class's keys in Keras's
// order, each with the value the layer was made with or Keras's default. A keyword keraspp cannot write is a
// ValueError naming the layer.
Json layer_config_json(const LayerImpl& layer);
// {"module": "keras.layers", "class_name", "config", "registered_name": null[, "build_config"]}; build_config is
// {"input_shape": shapes} when `build_shapes` is given and Keras would record it for this class.
Json layer_envelope(const LayerImpl& layer, const std::optional<std::vector<Shape>>& build_shapes);

// A new layer from its envelope (not a model; InputLayer included). An unknown class, an unknown key or a value
// keraspp cannot honour (a kernel_constraint, a non-float32 dtype, ...) is a ValueError naming it and ctx.source.
Layer layer_from_envelope(const Json& envelope, const Context& ctx);

// Whether keraspp can save and load layers of this class.
bool layer_class_supported(const std::string& class_name);
std::vector<std::string> supported_layer_classes();

}  // namespace keras::saving::detail
