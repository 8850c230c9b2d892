#pragma once
// Sequential and Functional models <-> Keras 3's config JSON (keras/src/models/sequential.py, functional.py and
// serialization_lib.serialize_keras_object), compile_config included.
#include "keras/models/model.hpp"
#include "saving/config_codec.hpp"

namespace keras::saving::detail {

// serialize_keras_object(model): {"module", "class_name", "config", "registered_name", "build_config"[,
// "compile_config" when top_level and compiled]}.
Json model_to_json(const FunctionalImpl& model, bool top_level);

// deserialize_keras_object for a Sequential / Functional envelope. With compile, a compile_config is applied
// (compile_from_config); unsupported compile settings are a ValueError suggesting compile=false.
Model model_from_json(const Json& envelope, const Context& ctx, bool compile);

// A compiled model's compile_config (Keras 3's model._compile_config: optimizer, loss, loss_weights, metrics, ...);
// null when the model is not compiled.
Json compile_config_json(const FunctionalImpl& model);

// model.compile(**config): the optimizer (a name or a serialized optimizer), the loss (one, a list, or a dict by
// output name), metrics by name, loss_weights (a list or a dict by output name). Anything keraspp cannot compile is a ValueError suggesting compile=false; `what`
// names the config in messages ("compile_config", or "training_config" for legacy .h5 files).
void compile_from_config(const Model& model, const Json& config, const Context& ctx, const std::string& what);

// The parsed JSON text; a parse error is a ValueError naming ctx.source. Deeply nested input is refused.
Json parse_json(const std::string& text, const Context& ctx);

}  // namespace keras::saving::detail
