#include "keras/layers/registry.hpp"

#include <map>
#include <mutex>

#include "keras/core/errors.hpp"

namespace keras::layers {

namespace {
std::map<std::string, LayerFactory>& registry() {
  static std::map<std::string, LayerFactory> r;
  return r;
}
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
}  // namespace

bool register_layer(const std::string& class_name, LayerFactory factory) {
  std::lock_guard lock(registry_mutex());
  registry()[class_name] = std::move(factory);
  return true;
}

bool is_registered(const std::string& class_name) {
  std::lock_guard lock(registry_mutex());
  return registry().count(class_name) > 0;
}

std::vector<std::string> registered_names() {
  std::lock_guard lock(registry_mutex());
  std::vector<std::string> out;
  for (const auto& kv : registry()) out.push_back(kv.first);
  return out;
}

Layer from_config(const std::string& class_name, const kw::Kwargs& kwargs) {
  LayerFactory f;
  {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(class_name);
    if (it != registry().end()) f = it->second;
  }
  if (!f) {
    std::string known;
    for (const auto& n : registered_names()) known += (known.empty() ? "" : ", ") + n;
    throw ValueError("Unknown layer: '" + class_name +
                         "'. Please ensure you are using a `keras.utils.custom_object_scope` and that this object "
                         "is included in the scope.",
                     {.received = class_name, .hint = "keraspp knows these layers: " + known + "."});
  }
  return f(kwargs);
}

}  // namespace keras::layers
