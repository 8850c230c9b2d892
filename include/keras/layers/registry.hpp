#pragma once
// Layers by Keras class name ("Dense"), for configs, files and the command line.
#include <functional>
#include <string>
#include <vector>

#include "keras/core/kw.hpp"
#include "keras/layers/layer.hpp"

namespace keras::layers {

using LayerFactory = std::function<Layer(const kw::Kwargs&)>;

// Registers a factory; each layer's source file does this once through KERAS_REGISTER_LAYER.
bool register_layer(const std::string& class_name, LayerFactory factory);
// Makes a layer from its class name and keywords; an unknown name is a ValueError listing the known ones.
Layer from_config(const std::string& class_name, const kw::Kwargs& kwargs);
bool is_registered(const std::string& class_name);
std::vector<std::string> registered_names();

}  // namespace keras::layers

#define KERAS_REGISTER_LAYER(CLASS)                                                                        \
  namespace {                                                                                              \
  [[maybe_unused]] const bool registered_##CLASS = ::keras::layers::register_layer(                        \
      #CLASS, [](const ::keras::kw::Kwargs& k) -> ::keras::Layer { return ::keras::layers::CLASS(k); });    \
  }
