#include "saving/legacy_h5.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "keras/core/errors.hpp"
#include "saving/legacy_training.hpp"
#include "saving/model_config.hpp"
#include "saving/saveables.hpp"

namespace keras::saving::detail {

namespace {


// Keras's layer._legacy_weights: trainable weights, then non-trainable ones (a nested model: of all its layers; a
// wrapper: of the layers it wraps, Bidirectional's forward layer first).
void collect(const LayerImpl& layer, std::vector<VariablePtr>& out, int depth) {
  if (depth > 32) throw ValueError("Models are nested too deeply to save or load.");
  if (layer.is_model()) {
    for (const auto& l : static_cast<const FunctionalImpl&>(layer).layers()) collect(*l, out, depth + 1);
  } else {
    for (const auto& v : layer.variables()) out.push_back(v);
  }
}
std::vector<VariablePtr> legacy_weights(const LayerImpl& layer) {
  std::vector<VariablePtr> vars;
  collect(layer, vars, 0);
  std::stable_partition(vars.begin(), vars.end(), [](const VariablePtr& v) { return v->trainable; });
  return vars;
}


// The dataset name of each variable of a layer, relative to the layer's group: its own variables by their names
// ("kernel", as Keras 3.1 writes them); inside a nested model or a wrapper, prefixed by the name of the layer that
// holds them, so that two "kernel"s stay apart ("forward_lstm/kernel", "inner_dense/kernel").
void relative_names(const LayerImpl& layer, const std::string& prefix, std::map<const Variable*, std::string>& out,
                    int depth) {
  if (depth > 32) throw ValueError("Models are nested too deeply to save or load.");
  std::vector<std::shared_ptr<LayerImpl>> inner;
  if (layer.is_model()) inner = static_cast<const FunctionalImpl&>(layer).layers();
  for (const WrappedLayer& w : wrapped_layers(layer)) inner.push_back(w.layer);
  for (const auto& l : inner) relative_names(*l, prefix + l->name() + "/", out, depth + 1);
  for (const auto& v : layer.own_variables()) out.emplace(v.get(), prefix + v->name);
}

}  // namespace

bool is_hdf5_bytes(const std::string& bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), "\x89HDF\r\n\x1a\n", 8) == 0;
}
bool is_zip_bytes(const std::string& bytes) { return bytes.size() >= 4 && std::memcmp(bytes.data(), "PK\x03\x04", 4) == 0; }

H5Kind classify(H5Reader& store) {
  if (store.has_attr("", "model_config")) return H5Kind::kLegacyModel;
  if (store.has_attr("", "layer_names") || store.has_attr("", "layer_names0")) return H5Kind::kLegacyWeights;
  return H5Kind::kKeras3Weights;
}

Model load_legacy_model(H5Reader& store, const std::string& path, bool compile) {
  const Context ctx{"'" + path + "' (model_config)"};
  auto text = store.string_attr("", "model_config");
  if (!text)
    fail(ctx, "No model config found in the file at " + path + ".",
         {.received = path, .hint = "this HDF5 file holds weights only: build the model and call load_weights."});
  Json config = parse_json(*text, ctx);
  // The Keras version is an attribute here, not part of the config; model_from_json reads it from the config.
  if (auto version = store.string_attr("", "keras_version"); version && config.is_object() &&
                                                              !config.contains("keras_version"))
    config["keras_version"] = *version;
  Model model = model_from_json(config, ctx, false);
  if (!store.has_group("model_weights"))
    throw ValueError("The legacy model file " + path + " has no model_weights group.",
                     {.received = path, .hint = "the file is damaged or was not written by Keras."});
  read_legacy_weights(store, "model_weights", model.graph());
  if (compile) restore_training(store, model, path);
  return model;
}

void read_legacy_weights(H5Reader& store, const std::string& group, const FunctionalImpl& model) {
  const std::string& src = store.source();
  auto names = store.string_list_attr(group, "layer_names");
  if (!names)
    throw ValueError("The HDF5 group '/" + group + "' of " + src + " has no layer_names attribute, so it holds no "
                     "Keras weights.", {.received = src, .hint = "pass a file written by Keras's save_weights or save."});
  struct Saved {
    std::string name;
    std::vector<std::string> weights;
  };
  std::vector<Saved> saved;
  for (const std::string& n : *names) {
    if (n.empty() || n.find('/') != std::string::npos)
      throw ValueError("Invalid layer name '" + n + "' in " + src + ".", {.received = n});
    auto w = store.string_list_attr(join(group, n), "weight_names");
    if (w && !w->empty()) saved.push_back({n, *w});
  }
  std::vector<std::pair<const LayerImpl*, std::vector<VariablePtr>>> mine;
  for (const auto& l : model.layers()) {
    auto vars = legacy_weights(*l);
    if (!vars.empty()) mine.emplace_back(l.get(), std::move(vars));
  }
  if (mine.size() != saved.size())
    throw ValueError("Layer count mismatch when loading weights from file. Model expected " +
                         std::to_string(mine.size()) + " layers, found " + std::to_string(saved.size()) +
                         " saved layers. (weights file " + src + ")",
                     {.expected = std::to_string(mine.size()) + " layers with weights",
                      .received = std::to_string(saved.size()) + " layers with weights",
                      .hint = "the model must have the same layers with weights, in the same order, as the model that "
                              "saved the file."});
  std::vector<std::pair<VariablePtr, std::string>> plan;
  for (size_t k = 0; k < mine.size(); ++k) {
    const auto& [layer, vars] = mine[k];
    const Saved& s = saved[k];
    if (vars.size() != s.weights.size())
      throw ValueError("Weight count mismatch for layer #" + std::to_string(k) + " (named " + layer->name() +
                           " in the current model, " + s.name + " in the save file). Layer expects " +
                           std::to_string(vars.size()) + " weight(s). Received " + std::to_string(s.weights.size()) +
                           " saved weight(s) (weights file " + src + ")",
                       {.layer = layer->name(), .expected = std::to_string(vars.size()) + " weights",
                        .received = std::to_string(s.weights.size()) + " weights",
                        .hint = "the layers differ in their options (use_bias, center, scale, ...): build the model "
                                "exactly as the one that saved the file."});
    for (size_t i = 0; i < vars.size(); ++i) {
      const std::string dpath = join(join(group, s.name), s.weights[i]);
      const std::vector<int64_t> got = store.dataset_shape(dpath);
      const std::vector<int64_t>& want = vars[i]->value.dims();
      if (got != want)
        throw ValueError("Shape mismatch in layer #" + std::to_string(k) + " (named " + layer->name() +
                             ") for weight " + s.weights[i] + ". Weight expects shape " + shape_text(want) +
                             ". Received saved weight with shape " + shape_text(got) + " (weights file " + src + ")",
                         {.layer = layer->name(), .expected = shape_text(want), .received = shape_text(got),
                          .hint = "build the model exactly as the one that saved the file (same input shape and "
                                  "sizes)."});
      plan.emplace_back(vars[i], dpath);
    }
  }
  std::vector<std::pair<VariablePtr, Tensor>> staged;
  for (const auto& [var, dpath] : plan) staged.emplace_back(var, store.read_dataset(dpath, var->value.dims()));
  for (auto& [var, value] : staged) std::copy_n(value.data(), value.size(), var->value.data());
}

void write_legacy_model(H5Writer& store, const FunctionalImpl& model, const std::string& config_text,
                        const std::string& keras_version) {
  store.write_string_attr("", "keras_version", keras_version);
  store.write_string_attr("", "backend", "tensorflow");
  store.write_string_attr("", "model_config", config_text);
  store.create_group("model_weights");
  std::vector<std::string> names;
  for (const auto& l : model.layers()) names.push_back(l->name());
  store.write_string_list_attr("model_weights", "layer_names", names);
  store.write_string_attr("model_weights", "backend", "tensorflow");
  store.write_string_attr("model_weights", "keras_version", keras_version);
  for (const auto& l : model.layers()) {
    const std::string g = "model_weights/" + l->name();
    store.create_group(g);
    std::vector<VariablePtr> vars = legacy_weights(*l);
    std::map<const Variable*, std::string> rel;
    relative_names(*l, "", rel, 0);
    std::vector<std::string> weight_names;
    for (const auto& v : vars) {
      auto it = rel.find(v.get());
      if (it == rel.end())
        throw NotImplementedError("keraspp cannot save the weights of layer '" + l->name() + "' (" + l->class_name() +
                                  ") yet: they belong to layers it holds that keraspp does not know.");
      weight_names.push_back(it->second);
    }
    store.write_string_list_attr(g, "weight_names", weight_names);
    for (size_t i = 0; i < vars.size(); ++i) store.write_dataset(g + "/" + weight_names[i], vars[i]->value);
  }
  store.create_group("model_weights/top_level_model_weights");
  store.write_string_list_attr("model_weights/top_level_model_weights", "weight_names", {});
}

Json legacy_config(const Json& j) {
  if (j.is_array()) {
    Json out = Json::array();
    for (const Json& e : j) out.push_back(legacy_config(e));
    return out;
  }
  if (!j.is_object()) return j;
  const Json* cls = find_member(j, "class_name");
  if (cls && cls->is_string() && cls->get<std::string>() == "DTypePolicy") {
    const Json* c = find_member(j, "config");
    if (c && c->is_object() && c->contains("name")) return (*c)["name"];
  }
  Json out = Json::object();
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (cls && (it.key() == "module" || it.key() == "registered_name" || it.key() == "build_config" ||
                it.key() == "compile_config"))
      continue;
    out[it.key()] = legacy_config(it.value());
  }
  // Keras's legacy serialization names a registered custom class by its registered name ("my_layers>Linear").
  const Json* reg = find_member(j, "registered_name");
  if (cls && reg && reg->is_string() && *reg != *cls && *reg != "Functional") out["class_name"] = *reg;
  return out;
}

}  // namespace keras::saving::detail
