#pragma once
// keras.models.model_from_json and clone_model.
//
// model_from_json: a model from the text model.to_json() returns (Keras 3's config: {"module",
// "class_name": "Sequential" | "Functional", "config", ...}). Its weights are freshly initialized (load them with
// model.load_weights("m.weights.h5")); when the text holds a compile_config, the model is compiled from it, as
// Keras's deserialize_keras_object does. Unsupported layers or arguments are a ValueError naming them.
#include <string>

#include "keras/models/model.hpp"

namespace keras::models {

Model model_from_json(const std::string& json_text);

// keras.models.clone_model(model): the same architecture (a Sequential or functional model, its layers' names and
// arguments) made of new layers with freshly initialized weights, not compiled, as Keras's clone_model; copy the
// weights with clone.set_weights(model.get_weights()). Like Keras's, it rebuilds each layer from its config, so an
// adapted preprocessing layer's learned vocabulary or boundaries kept outside its config are not copied. A model
// with a Lambda layer cannot be cloned (keraspp cannot rebuild C++ code from a config): a ValueError says so.
Model clone_model(const Model& model);

}  // namespace keras::models
