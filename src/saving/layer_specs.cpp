#include "saving/layer_specs.hpp"

#include <map>
#include <set>

#include "keras/layers/core/custom_layer.hpp"
#include "keras/layers/core/input_layer.hpp"
#include "keras/layers/registry.hpp"
#include "layers/core/custom_layer_registry.hpp"
#include "saving/layer_spec_table.hpp"

namespace keras::saving::detail {

namespace {

const std::map<std::string, LayerSpec>& specs() { return layer_spec_table(); }

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

// Whether the class's own keys include `key` as an argument (Conv's activity_regularizer), rather than leaving it to
// Layer.get_config (Dense's: written only when set).
bool class_writes(const LayerSpec& spec, const std::string& key) {
  for (const ArgSpec& a : spec.args)
    if (key == a.key) return a.kind == Kind::kArg;
  return false;
}

std::string owner_of(const LayerImpl& layer) { return "layer '" + layer.name() + "' (" + layer.class_name() + ")"; }

// Keras's default for `key`, as the writer writes it (an initializer name becomes its serialized object).
Json normalized(const std::string& key, const char* text) {
  Json j = Json::parse(text);
  if (!is_keyword(key) || j.is_null()) return j;
  return encode_value(key, decode_value(key, j, "the default", Context{}));
}

// Keras standardizes kernel_size=3 to (3, 3) before get_config sees it.
Json expand_tuple(Json j, int rank) {
  if (rank > 1 && j.is_array() && j.size() == 1) j = j[0];
  if (rank >= 1 && j.is_number_integer()) return Json(std::vector<Json>(static_cast<size_t>(rank), j));
  return j;
}

Json encode_arg(const ArgSpec& arg, const std::any& v) {
  const std::string key = arg.key;
  switch (arg.as) {
    case As::kBool:
      if (v.type() == typeid(bool)) return std::any_cast<bool>(v);
      if (v.type() == typeid(double)) return std::any_cast<double>(v) != 0.0;
      if (v.type() == typeid(int)) return std::any_cast<int>(v) != 0;
      break;
    case As::kTuple:
      return expand_tuple(encode_value(key, v), arg.rank);
    case As::kScalarTuple: {
      Json j = encode_value(key, v);
      return j.is_array() && j.size() == 1 ? j[0] : j;
    }
    default:
      break;
  }
  return encode_value(key, v);
}

std::any decode_arg(const ArgSpec& arg, const Json& v, const std::string& owner, const Context& ctx) {
  const std::string key = arg.key;
  if (v.is_null()) return decode_value(key, v, owner, ctx);
  switch (arg.as) {
    case As::kBool:
      if (!v.is_boolean())
        fail(ctx, "Invalid value for argument `" + key + "` of " + owner + ": expected true or false, received " +
                      describe(v) + ".",
             {.layer = owner, .expected = "true or false", .received = describe(v)});
      return v.get<bool>();
    case As::kAxis:
      if (v.is_array() && v.size() == 1) return decode_value(key, v[0], owner, ctx);
      if (v.is_array())
        fail(ctx, "keraspp's " + owner + " normalizes over one axis; the config gives axis=" + v.dump() + ".",
             {.layer = owner, .expected = "one axis", .received = v.dump(),
              .hint = "several normalization axes are not supported yet."});
      return decode_value(key, v, owner, ctx);
    case As::kAxes:
      if (v.is_array()) {
        std::vector<int64_t> axes;
        for (const Json& e : v) axes.push_back(std::any_cast<int>(decode_value(key, e, owner, ctx)));
        return IntTuple(std::move(axes));
      }
      return decode_value(key, v, owner, ctx);
    case As::kFloats: {
      if (v.is_number()) return v.get<double>();
      if (!v.is_array() || v.size() > (1u << 24))
        fail(ctx, "Invalid value for argument `" + key + "` of " + owner + ": expected a number or a list of numbers, "
                  "received " + describe(v) + ".", {.layer = owner, .received = describe(v)});
      std::vector<double> values;
      for (const Json& e : v) {
        if (!e.is_number())
          fail(ctx, "Invalid value in argument `" + key + "` of " + owner + ": " + describe(e) + " is no number.",
               {.layer = owner, .received = describe(e)});
        values.push_back(e.get<double>());
      }
      return FloatList(std::move(values));
    }
    default:
      return decode_value(key, v, owner, ctx);
  }
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

namespace {

// A registered custom layer's config: Keras's base Layer.get_config (name, trainable, dtype) and the layer's own.
Json custom_layer_config(const layers::CustomLayer& layer) {
  if (!layers::detail::custom_layer_registered_name(layer.class_name()))
    throw ValueError("keraspp cannot save " + owner_of(layer) + " in a model file: its class is not registered, so "
                     "a loader could not make it again.",
                     {.layer = layer.name(), .received = layer.class_name(),
                      .hint = "register it, as Keras's @register_keras_serializable: layers::register_custom_layer("
                              "\"my_layers\", \"" + layer.class_name() + "\", from_config), with get_config() "
                              "giving its arguments; or save only the weights with save_weights(\"m.weights.h5\")."});
  Json c = Json::object();
  c["name"] = layer.name();
  c["trainable"] = layer.trainable();
  c["dtype"] = dtype_policy_json();
  const layers::LayerConfig own = layer.get_config();
  for (const auto& [key, value] : own.values()) {
    if (key == "name" || key == "trainable" || key == "dtype")
      throw ValueError("The get_config() of " + owner_of(layer) + " sets `" + key + "`, which every layer saves itself.",
                       {.layer = layer.name(), .received = key, .hint = "leave `" + key + "` out of get_config()."});
    c[key] = std::visit([](const auto& v) { return Json(v); }, value);
  }
  return c;
}

// The config's values as a LayerConfig: JSON's kinds, each list of one kind; nested objects are not taken.
layers::LayerConfig custom_layer_arguments(const Json& config, const std::string& owner, const Context& ctx) {
  layers::LayerConfig out;
  for (auto m = config.begin(); m != config.end(); ++m) {
    const std::string& key = m.key();
    const Json& v = m.value();
    if (key == "name" || key == "trainable") continue;
    if (key == "dtype") {
      check_float32_dtype(v, owner, ctx);
      continue;
    }
    auto all = [&](auto test) { return std::all_of(v.begin(), v.end(), test); };
    if (v.is_boolean()) out.set(key, v.get<bool>());
    else if (v.is_number_integer()) out.set(key, v.get<int64_t>());
    else if (v.is_number()) out.set(key, v.get<double>());
    else if (v.is_string()) out.set(key, v.get<std::string>());
    else if (v.is_array() && all([](const Json& e) { return e.is_number_integer(); })) out.set(key, v.get<std::vector<int64_t>>());
    else if (v.is_array() && all([](const Json& e) { return e.is_number(); })) out.set(key, v.get<std::vector<double>>());
    else if (v.is_array() && all([](const Json& e) { return e.is_string(); })) out.set(key, v.get<std::vector<std::string>>());
    else if (!v.is_null())
      fail(ctx, "`" + key + "` in the config of " + owner + " is " + describe(v) + ", which keraspp does not pass to "
                "a custom layer's from_config.",
           {.received = describe(v), .hint = "a custom layer's config holds booleans, numbers, strings and lists of "
                                             "one of these."});
  }
  return out;
}

Layer custom_layer_from_config(const std::string& registered, const layers::CustomLayerFactory& factory,
                               const Json& config, const Context& ctx) {
  std::string name;
  if (const Json* n = find_member(config, "name"); n && n->is_string()) name = n->get<std::string>();
  const std::string owner = "layer '" + name + "' (" + registered + ")";
  std::shared_ptr<layers::CustomLayer> layer = factory(custom_layer_arguments(config, owner, ctx));
  if (!layer) fail(ctx, "The from_config registered as '" + registered + "' returned no layer.", {.received = registered});
  if (!name.empty()) layer->set_name(name);
  if (const Json* t = find_member(config, "trainable"); t && t->is_boolean()) layer->set_trainable(t->get<bool>());
  return Layer(layer);
}

}  // namespace

Json layer_config_json(const LayerImpl& layer) {
  if (layer.is_input_layer()) return input_layer_config(layer);
  if (layer.class_name() == "Lambda")
    throw ValueError("keraspp cannot save " + owner_of(layer) + ": its function is C++ code, which a Keras file cannot "
                     "hold (Keras itself stores a Lambda's function as Python bytecode).",
                     {.layer = layer.name(), .received = "Lambda",
                      .hint = "save the weights with save_weights(\"m.weights.h5\") (a Lambda has none) and rebuild "
                              "the model in code before load_weights; or use built-in layers instead of the Lambda."});
  if (const auto* custom = dynamic_cast<const layers::CustomLayer*>(&layer)) return custom_layer_config(*custom);
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
  if (spec.writes_trainable) c["trainable"] = layer.trainable();
  c["dtype"] = dtype_policy_json();
  // Keras 3's Layer.get_config adds activity_regularizer when one is set.
  const std::string activity = "activity_regularizer";
  if (!class_writes(spec, activity) && given.has(activity) && !given.is_none(activity))
    c[activity] = encode_value(activity, raw_value(given, activity));
  std::set<std::string> consumed = base_keys();
  consumed.insert(activity);
  consumed.insert(input_shape_keys().begin(), input_shape_keys().end());
  for (const ArgSpec& arg : spec.args) {
    const std::string key = arg.key;
    if (arg.kind == Kind::kReadOnly || arg.kind == Kind::kIgnored) continue;
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
    const bool set = given.has(from) && !given.is_none(from);
    if (arg.as == As::kNullable && given.has(from) && given.is_none(from)) {
      c[key] = nullptr;
      continue;
    }
    if (arg.kind == Kind::kArgIfSet && !set) continue;
    if (set && arg.as == As::kLayer) {
      const std::optional<Layer> inner = given.get<Layer>(from);
      c[key] = layer_envelope(*inner->impl(), std::nullopt);
    } else if (set && arg.as == As::kLayers) {
      c[key] = Json::array();
      const std::vector<Layer> inner_layers = given.get_or<std::vector<Layer>>(from, {});
      for (const Layer& inner : inner_layers)
        c[key].push_back(layer_envelope(*inner.impl(), std::nullopt));
    } else if (set) {
      c[key] = encode_arg(arg, raw_value(given, from));
    } else if (arg.default_json) {
      Json d = arg.as == As::kBool ? Json::parse(arg.default_json) : normalized(key, arg.default_json);
      if (arg.as == As::kTuple) d = expand_tuple(std::move(d), arg.rank);
      if (arg.as == As::kScalarTuple && d.is_array() && d.size() == 1) d = Json(d[0]);
      c[key] = std::move(d);
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
  if (dynamic_cast<const layers::CustomLayer*>(&layer)) {
    // Keras writes a class of the user's script with module null and its registered name.
    out["module"] = nullptr;
    out["registered_name"] = *layers::detail::custom_layer_registered_name(layer.class_name());
  }
  auto it = specs().find(layer.class_name());
  const bool built_in_init = it != specs().end() && it->second.built_in_init;
  if (!layer.is_input_layer() && build_shapes && !built_in_init) {
    Json bc = Json::object();
    const std::vector<const char*> names = it != specs().end() ? it->second.build_shape_names
                                                                : std::vector<const char*>{};
    if (!names.empty()) {
      // Keras's build(query_shape, value_shape, key_shape=None), fed by name from its shapes_dict (mask tensors,
      // such as an attention_mask input, are left out of it).
      Json shapes = Json::object();
      for (size_t i = 0; i < names.size() && i < build_shapes->size(); ++i)
        shapes[names[i]] = shape_json((*build_shapes)[i]);
      bc["shapes_dict"] = std::move(shapes);
    } else {
      bc["input_shape"] = shapes_json(*build_shapes);
    }
    out["build_config"] = std::move(bc);
  }
  if (it != specs().end() && it->second.empty_build_config) out["build_config"] = Json::object();
  return out;
}

Layer layer_from_envelope(const Json& env, const Context& ctx) {
  require_object(env, "a layer entry", ctx);
  const std::string cls = object_class_name(env, "a layer entry", ctx);
  const Json* config = find_member(env, "config");
  if (!config) fail(ctx, "The config of layer class '" + cls + "' is missing.", {.received = cls});
  require_object(*config, "the config of a " + cls + " layer", ctx);
  if (cls == "InputLayer") return input_layer_from_config(*config, ctx);
  // A registered custom class: by registered_name (.keras), or by a class_name that is one (legacy .h5).
  const Json* reg = find_member(env, "registered_name");
  const std::string registered = reg && reg->is_string() ? reg->get<std::string>() : cls;
  if (const layers::CustomLayerFactory* f = layers::detail::custom_layer_factory(registered))
    return custom_layer_from_config(registered, *f, *config, ctx);

  if (cls == "Lambda")
    // Keras's safe_mode text: a Lambda holds Python bytecode, which a loader must never run.
    fail(ctx, "Requested the deserialization of a `Lambda` layer with a Python `lambda` inside it. This carries a "
              "potential risk of arbitrary code execution and thus it is disallowed by default. If you trust the "
              "source of the saved model, you can pass `safe_mode=False` to the loading function in order to allow "
              "`Lambda` layer loading.",
         {.received = "Lambda",
          .hint = "keraspp never runs code from a file (it has no safe_mode=False): replace the Lambda by built-in "
                  "layers in Python and save again, or rebuild the model in C++ and call load_weights."});
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
    const bool base_key = key == "activity_regularizer" && !class_writes(spec, key);  // Layer.get_config's
    if (key == "trainable" || input_shape_keys().count(key) || base_key) {
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
    if (arg->as == As::kLayer) {
      // Keras 3 writes {module, class_name, config, registered_name}, Keras 2 {class_name, config}.
      if (!v.is_null()) k.set(key, layer_from_envelope(v, ctx));
      continue;
    }
    if (arg->as == As::kLayers) {
      if (!v.is_array()) fail(ctx, "`" + key + "` of " + owner + " must be a list of layers.", {.received = describe(v)});
      std::vector<Layer> inner;
      for (const Json& e : v) inner.push_back(layer_from_envelope(e, ctx));
      k.set(key, inner);
      continue;
    }
    if (arg->kind == Kind::kArg || arg->kind == Kind::kArgIfSet) {
      k.set(key, decode_arg(*arg, v, owner, ctx));
      continue;
    }
    if (arg->kind == Kind::kIgnored) continue;
    if (v != Json::parse(arg->default_json))
      fail(ctx, "keraspp does not support the argument " + key + "=" + describe(v) + " of " + owner + " yet.",
           {.layer = name, .expected = std::string(arg->default_json), .received = describe(v),
            .hint = "only " + key + "=" + arg->default_json + " can be loaded; save the model without it."});
  }
  if (spec.from_config) spec.from_config(k);
  try {
    return layers::from_config(cls, k);
  } catch (const ValueError& e) {
    fail(ctx, e.message(), {.layer = e.layer(), .expected = e.expected(), .received = e.received(), .hint = e.hint()});
  }
}

}  // namespace keras::saving::detail
