#include "saving/layer_specs.hpp"

#include <map>
#include <set>

#include "keras/layers/core/input_layer.hpp"
#include "keras/layers/registry.hpp"

namespace keras::saving::detail {

namespace {

// How a Keras config key maps onto keraspp.
enum class Kind {
  kArg,       // a keraspp keyword: written with the layer's value (or Keras's default), passed on when loading
  kFixed,     // a Keras argument keraspp lacks: written with Keras's default; loading accepts only that default
  kReadOnly,  // a key other Keras versions write: never written; loading accepts only the default
};

struct ArgSpec {
  const char* key;
  const char* default_json;  // Keras's default as JSON text; nullptr: a required argument
  Kind kind = Kind::kArg;
};

struct LayerSpec {
  // Keras marks these layers built in __init__ (they have no build()), so their configs carry no build_config.
  bool built_in_init = false;
  std::vector<ArgSpec> args;
  // keraspp keyword -> the Keras key it is written as (LeakyReLU(alpha=) is Keras 3's negative_slope).
  std::vector<std::pair<const char*, const char*>> aliases;
};

// Keras 3's get_config keys and defaults, class by class (keras/src/layers/...; name, trainable and dtype come from
// Layer.get_config and are handled for every class).
const std::map<std::string, LayerSpec>& specs() {
  static const std::map<std::string, LayerSpec> table = {
      // core/dense.py
      {"Dense",
       {false,
        {{"units", nullptr},
         {"activation", "\"linear\""},
         {"use_bias", "true"},
         {"kernel_initializer", "\"glorot_uniform\""},
         {"bias_initializer", "\"zeros\""},
         {"kernel_regularizer", "null"},
         {"bias_regularizer", "null"},
         {"kernel_constraint", "null", Kind::kFixed},
         {"bias_constraint", "null", Kind::kFixed},
         {"activity_regularizer", "null", Kind::kReadOnly},
         {"lora_rank", "null", Kind::kReadOnly},
         {"lora_alpha", "null", Kind::kReadOnly},
         {"quantization_config", "null", Kind::kReadOnly}},
        {}}},
      // core/activation.py
      {"Activation", {true, {{"activation", nullptr}}, {}}},
      // regularization/dropout.py
      {"Dropout", {true, {{"rate", nullptr}, {"seed", "null"}, {"noise_shape", "null"}}, {}}},
      // reshaping/*.py
      {"Flatten", {false, {{"data_format", "\"channels_last\""}}, {}}},
      {"Reshape", {false, {{"target_shape", nullptr}}, {}}},
      {"RepeatVector", {false, {{"n", nullptr}}, {}}},
      {"Permute", {false, {{"dims", nullptr}}, {}}},
      // merging/*.py
      {"Add", {false, {}, {}}},
      {"Subtract", {false, {}, {}}},
      {"Multiply", {false, {}, {}}},
      {"Average", {false, {}, {}}},
      {"Maximum", {false, {}, {}}},
      {"Minimum", {false, {}, {}}},
      {"Concatenate", {false, {{"axis", "-1"}}, {}}},
      // activations/*.py
      {"ReLU", {true, {{"max_value", "null"}, {"negative_slope", "0.0"}, {"threshold", "0.0"}}, {}}},
      {"LeakyReLU", {true, {{"negative_slope", "0.3"}}, {{"alpha", "negative_slope"}}}},
      {"PReLU",
       {false,
        {{"alpha_initializer", "\"zeros\""},
         {"alpha_regularizer", "null"},
         {"alpha_constraint", "null", Kind::kFixed},
         {"shared_axes", "null"}},
        {}}},
      {"ELU", {true, {{"alpha", "1.0"}}, {}}},
      {"Softmax", {true, {{"axis", "-1"}}, {}}},
  };
  return table;
}

// Keys every layer's config has (Layer.get_config), and the input-shape keywords a Sequential turns into an
// InputLayer (written there, not on the layer).
const std::set<std::string>& base_keys() {
  static const std::set<std::string> s = {"name", "trainable", "dtype"};
  return s;
}
const std::set<std::string>& input_shape_keys() {
  static const std::set<std::string> s = {"input_shape", "input_dim", "batch_input_shape", "batch_size"};
  return s;
}

std::string owner_of(const LayerImpl& layer) { return "layer '" + layer.name() + "' (" + layer.class_name() + ")"; }

// Keras's default for `key`, as the writer writes it (an initializer name becomes its serialized object).
Json normalized(const std::string& key, const char* text) {
  Json j = Json::parse(text);
  if (!is_keyword(key) || j.is_null()) return j;
  return encode_value(key, decode_value(key, j, "the default", Context{}));
}

Json input_layer_config(const LayerImpl& layer) {
  // An InputLayer's compute_output_shapes gives its batch shape.
  const Shape batch_shape = const_cast<LayerImpl&>(layer).compute_output_shapes({}).at(0);
  Json c = Json::object();
  c["batch_shape"] = shape_json(batch_shape);
  c["dtype"] = "float32";
  c["sparse"] = false;
  c["ragged"] = false;
  c["name"] = layer.name();
  c["optional"] = false;
  return c;
}

Layer input_layer_from_config(const Json& config, const Context& ctx) {
  std::string name;
  std::optional<Shape> batch_shape;
  const std::string owner = "an InputLayer";
  for (auto it = config.begin(); it != config.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    if (key == "batch_shape" || key == "batch_input_shape") {
      batch_shape = decode_shape(v, "the InputLayer's " + key, ctx);
    } else if (key == "name") {
      name = require_string(v, "the InputLayer's name", ctx);
    } else if (key == "dtype") {
      check_float32_dtype(v, owner, ctx);
    } else if (key == "sparse" || key == "ragged" || key == "optional") {
      if (!v.is_null() && !(v.is_boolean() && !v.get<bool>()))
        fail(ctx, "Unsupported InputLayer argument " + key + "=" + v.dump() + ": keraspp has dense, required inputs only.",
             {.received = key, .hint = "save the model with " + key + "=False inputs."});
    } else {
      fail(ctx, "Unrecognized keyword arguments passed to InputLayer: {'" + key + "': " + describe(v) + "}",
           {.received = key, .hint = "an InputLayer config holds batch_shape, dtype, sparse, ragged, name, optional."});
    }
  }
  if (!batch_shape) fail(ctx, "An InputLayer config has no batch_shape.", {.expected = "batch_shape"});
  if (batch_shape->ndim() < 1) fail(ctx, "An InputLayer's batch_shape must include the batch dimension.");
  kw::Kwargs k;
  k.set("batch_shape", *batch_shape);
  if (!name.empty()) k.set("name", name);
  try {
    return layers::from_config("InputLayer", k);
  } catch (const ValueError& e) {
    fail(ctx, e.message(), {.layer = e.layer(), .expected = e.expected(), .received = e.received(), .hint = e.hint()});
  }
}

}  // namespace

bool layer_class_supported(const std::string& class_name) {
  if (class_name == "InputLayer") return true;
  return specs().count(class_name) > 0 && layers::is_registered(class_name);
}

std::vector<std::string> supported_layer_classes() {
  std::vector<std::string> out = {"InputLayer"};
  for (const auto& [name, spec] : specs())
    if (layers::is_registered(name)) out.push_back(name);
  return out;
}

Json layer_config_json(const LayerImpl& layer) {
  if (layer.is_input_layer()) return input_layer_config(layer);
  auto it = specs().find(layer.class_name());
  if (it == specs().end())
    throw ValueError("keraspp cannot save " + owner_of(layer) + " yet: its class has no saving support.",
                     {.layer = layer.name(), .received = layer.class_name(),
                      .hint = "layers keraspp can save: " + [] {
                        std::string s;
                        for (const auto& n : supported_layer_classes()) s += (s.empty() ? "" : ", ") + n;
                        return s;
                      }() + "."});
  const LayerSpec& spec = it->second;
  const kw::Kwargs& given = layer.config();
  Json c = Json::object();
  c["name"] = layer.name();
  c["trainable"] = layer.trainable();
  c["dtype"] = dtype_policy_json();
  std::set<std::string> consumed = base_keys();
  consumed.insert(input_shape_keys().begin(), input_shape_keys().end());
  for (const ArgSpec& arg : spec.args) {
    const std::string key = arg.key;
    if (arg.kind == Kind::kReadOnly) continue;
    if (arg.kind == Kind::kFixed) {
      c[key] = normalized(key, arg.default_json);
      continue;
    }
    std::string from = key;
    for (const auto& [alias, target] : spec.aliases)
      if (target == key && !given.has(key) && given.has(alias)) from = alias;
    consumed.insert(key);
    for (const auto& [alias, target] : spec.aliases)
      if (target == key) consumed.insert(alias);
    if (given.has(from) && !given.is_none(from)) {
      c[key] = encode_value(key, raw_value(given, from));
    } else if (arg.default_json) {
      c[key] = normalized(key, arg.default_json);
    } else {
      c[key] = nullptr;
    }
  }
  for (const std::string& key : given.keys())
    if (!consumed.count(key))
      throw ValueError("keraspp cannot save the argument `" + key + "` of " + owner_of(layer) + " yet.",
                       {.layer = layer.name(), .received = key,
                        .hint = "Keras's config for " + layer.class_name() + " has no such key; leave it out to save "
                                "the model."});
  return c;
}

Json layer_envelope(const LayerImpl& layer, const std::optional<std::vector<Shape>>& build_shapes) {
  Json out = envelope("keras.layers", layer.class_name(), layer_config_json(layer));
  auto it = specs().find(layer.class_name());
  const bool built_in_init = it != specs().end() && it->second.built_in_init;
  if (!layer.is_input_layer() && build_shapes && !built_in_init) {
    Json bc = Json::object();
    bc["input_shape"] = shapes_json(*build_shapes);
    out["build_config"] = std::move(bc);
  }
  return out;
}

Layer layer_from_envelope(const Json& env, const Context& ctx) {
  require_object(env, "a layer entry", ctx);
  const std::string cls = object_class_name(env, "a layer entry", ctx);
  const Json* config = find_member(env, "config");
  if (!config) fail(ctx, "The config of layer class '" + cls + "' is missing.", {.received = cls});
  require_object(*config, "the config of a " + cls + " layer", ctx);
  if (cls == "InputLayer") return input_layer_from_config(*config, ctx);

  auto it = specs().find(cls);
  if (it == specs().end() || !layers::is_registered(cls)) {
    std::string known;
    for (const auto& n : supported_layer_classes()) known += (known.empty() ? "" : ", ") + n;
    fail(ctx, "Unknown layer: '" + cls + "'. keraspp cannot load layers of this class yet.",
         {.received = cls, .hint = "keraspp loads these layers: " + known + "."});
  }
  const LayerSpec& spec = it->second;
  std::string name = cls;
  if (const Json* n = find_member(*config, "name"); n && n->is_string()) name = n->get<std::string>();
  const std::string owner = "layer '" + name + "' (" + cls + ")";

  kw::Kwargs k;
  for (auto m = config->begin(); m != config->end(); ++m) {
    const std::string& key = m.key();
    const Json& v = m.value();
    if (key == "dtype") {
      check_float32_dtype(v, owner, ctx);
      continue;
    }
    if (key == "name") {
      k.set(key, require_string(v, "the name of a " + cls + " layer", ctx));
      continue;
    }
    if (key == "trainable" || input_shape_keys().count(key)) {
      if (!v.is_null()) k.set(key, decode_value(key, v, owner, ctx));
      continue;
    }
    const ArgSpec* arg = nullptr;
    for (const ArgSpec& a : spec.args)
      if (key == a.key) arg = &a;
    if (!arg)
      fail(ctx, "Unrecognized keyword arguments passed to " + cls + ": {'" + key + "': " + describe(v) + "}",
           {.layer = name, .received = key,
            .hint = "keraspp's " + cls + " does not support the argument `" + key + "` yet."});
    if (arg->kind == Kind::kArg) {
      k.set(key, decode_value(key, v, owner, ctx));
      continue;
    }
    if (v != Json::parse(arg->default_json))
      fail(ctx, "keraspp does not support the argument " + key + "=" + describe(v) + " of " + owner + " yet.",
           {.layer = name, .expected = std::string(arg->default_json), .received = describe(v),
            .hint = "only " + key + "=" + arg->default_json + " can be loaded; save the model without it."});
  }
  try {
    return layers::from_config(cls, k);
  } catch (const ValueError& e) {
    fail(ctx, e.message(), {.layer = e.layer(), .expected = e.expected(), .received = e.received(), .hint = e.hint()});
  }
}

}  // namespace keras::saving::detail
