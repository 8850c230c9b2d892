#pragma once
// keras.models.model_from_json: a model from the text model.to_json() returns (Keras 3's config: {"module",
// "class_name": "Sequential" | "Functional", "config", ...}). Its weights are freshly initialized (load them with
// model.load_weights("m.weights.h5")); when the text holds a compile_config, the model is compiled from it, as
// Keras's deserialize_keras_object does. Unsupported layers or arguments are a ValueError naming them.
#include <string>

#include "keras/models/model.hpp"

namespace keras::models {

Model model_from_json(const std::string& json_text);

}  // namespace keras::models
