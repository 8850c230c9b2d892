#pragma once
// The custom layer classes registered for model files (layers::register_custom_layer), for the saving code.
#include <optional>
#include <string>

#include "keras/layers/core/custom_layer.hpp"

namespace keras::layers::detail {

// The factory registered under "package>ClassName", or null.
const CustomLayerFactory* custom_layer_factory(const std::string& registered_name);
// The registered name ("package>ClassName") of a class, if registered.
std::optional<std::string> custom_layer_registered_name(const std::string& class_name);

}  // namespace keras::layers::detail
