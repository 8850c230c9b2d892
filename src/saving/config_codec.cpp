#include "saving/config_codec.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "activations/keras2_names.hpp"
#include "keras/activations/activations.hpp"
#include "keras/constraints/constraints.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/activations/prelu.hpp"
#include "keras/layers/attention/attention.hpp"
#include "keras/layers/attention/grouped_query_attention.hpp"
#include "keras/layers/attention/multi_head_attention.hpp"
#include "keras/layers/convolutional/conv_keywords.hpp"
#include "keras/layers/core/einsum_dense.hpp"
#include "keras/layers/core/embedding.hpp"
#include "keras/layers/core/masking.hpp"
#include "keras/layers/merging/dot.hpp"
#include "keras/layers/normalization/normalization_keywords.hpp"
#include "keras/layers/normalization/spectral_normalization.hpp"
#include "keras/layers/preprocessing/integer_lookup.hpp"
#include "keras/layers/preprocessing/image_preprocessing_keywords.hpp"
#include "keras/layers/preprocessing/normalization.hpp"
#include "keras/layers/preprocessing/category_encoding.hpp"
#include "keras/layers/preprocessing/discretization.hpp"
#include "keras/layers/preprocessing/rescaling.hpp"
#include "keras/layers/rnn/bidirectional.hpp"
#include "keras/layers/rnn/rnn_common.hpp"
#include "keras/layers/spatial_keywords.hpp"
#include "keras/losses/losses.hpp"
#include "keras/metrics/metrics.hpp"
#include "keras/optimizers/adafactor.hpp"
#include "keras/optimizers/ftrl.hpp"
#include "keras/optimizers/schedules.hpp"
#include "keras/regularizers/regularizers.hpp"
#include "layers/core/custom_layer_registry.hpp"

namespace keras::saving::detail {

namespace {

constexpr size_t kMaxListLength = 1u << 20;

using None = kw::Kwargs::None_;

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

void fail(const Context& ctx, const std::string& message, ErrorDetails details) {
  throw ValueError(message + (ctx.source.empty() ? "" : " (in " + ctx.source + ")"), std::move(details));
}

std::string describe(const Json& j) {
  std::string kind;
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: kind = "a boolean"; break;
    case Json::value_t::string: kind = "a string"; break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: kind = "an integer"; break;
    case Json::value_t::number_float: kind = "a number"; break;
    case Json::value_t::array: return "a list of " + std::to_string(j.size()) + " items";
    case Json::value_t::object: return "an object";
    default: return "an unsupported JSON value";
  }
  std::string text = j.dump();
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return kind + " (" + text + ")";
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

Json envelope(const std::string& module, const std::string& class_name, Json config) {
  Json out = Json::object();
  out["module"] = module;
  out["class_name"] = class_name;
  out["config"] = std::move(config);
  out["registered_name"] = nullptr;
  return out;
}

Json dtype_policy_json() {
  Json config = Json::object();
  config["name"] = "float32";
  return envelope("keras", "DTypePolicy", std::move(config));
}

Json shape_json(const Shape& s) {
  Json out = Json::array();
  for (const Dim& d : s) {
    if (d.is_none()) out.push_back(nullptr);
    else out.push_back(d.value());
  }
  return out;
}

Json shapes_json(const std::vector<Shape>& shapes) {
  if (shapes.size() == 1) return shape_json(shapes[0]);
  Json out = Json::array();
  for (const Shape& s : shapes) out.push_back(shape_json(s));
  return out;
}

Json initializer_json(const InitializerArg& arg) {
  auto init = initializers::get(arg);
  if (!init) return nullptr;
  return envelope("keras.initializers", init->class_name(), kwargs_to_json(init->get_config()));
}

namespace {

Json regularizer_json(const RegularizerArg& arg) {
  auto r = regularizers::get(arg);
  if (!r) return nullptr;
  return envelope("keras.regularizers", r->class_name(), kwargs_to_json(r->get_config()));
}

Json constraint_json(const ConstraintArg& arg) {
  auto c = constraints::get(arg);
  if (!c) return nullptr;
  return envelope("keras.constraints", c->class_name(), kwargs_to_json(c->get_config()));
}

Json number_json(double v) {
  if (!std::isfinite(v)) throw ValueError("Cannot write the non-finite number " + std::to_string(v) + " into a Keras config.");
  return v;
}

}  // namespace

Json encode_value(const std::string& key, const std::any& v) {
  const std::type_info& t = v.type();
  if (t == typeid(None)) return nullptr;
  if (t == typeid(std::string)) return std::any_cast<const std::string&>(v);
  if (t == typeid(const char*)) return std::string(std::any_cast<const char*>(v));
  if (t == typeid(bool)) return std::any_cast<bool>(v);
  if (t == typeid(int)) return std::any_cast<int>(v);
  if (t == typeid(long)) return std::any_cast<long>(v);
  if (t == typeid(long long)) return std::any_cast<long long>(v);
  if (t == typeid(unsigned)) return std::any_cast<unsigned>(v);
  if (t == typeid(double)) return number_json(std::any_cast<double>(v));
  if (t == typeid(float)) return number_json(std::any_cast<float>(v));
  if (t == typeid(Shape)) return shape_json(std::any_cast<const Shape&>(v));
  if (t == typeid(std::vector<int64_t>)) return std::any_cast<const std::vector<int64_t>&>(v);
  if (t == typeid(std::vector<int>)) return std::any_cast<const std::vector<int>&>(v);
  if (t == typeid(IntTuple)) return std::any_cast<const IntTuple&>(v).values;
  if (t == typeid(std::vector<double>)) {
    Json out = Json::array();
    for (double d : std::any_cast<const std::vector<double>&>(v)) out.push_back(number_json(d));
    return out;
  }
  if (t == typeid(FloatList)) {
    const auto& values = std::any_cast<const FloatList&>(v).values;
    if (values.size() == 1) return number_json(values[0]);
    Json out = Json::array();
    for (double d : values) out.push_back(number_json(d));
    return out;
  }
  if (t == typeid(PaddingArg)) {
    const auto& p = std::any_cast<const PaddingArg&>(v);
    if (p.is_mode()) return p.mode;
    const bool flat = std::all_of(p.values.begin(), p.values.end(), [](const auto& e) { return e.size() == 1; });
    if (flat && p.values.size() == 1) return p.values[0][0];
    Json out = Json::array();
    for (const auto& e : p.values) out.push_back(flat ? Json(e[0]) : Json(e));
    return out;
  }
  if (t == typeid(ActivationArg)) {
    const std::string& name = std::any_cast<const ActivationArg&>(v).name;
    if (name == activations::detail::kKeras2HardSigmoid)
      throw ValueError("keraspp cannot save the activation `" + key + "`=" + name + " (Keras 2's hard_sigmoid, "
                       "clip(0.2 x + 0.5, 0, 1)): Keras 3 has no activation computing it.",
                       {.received = name, .hint = "Keras 3's hard_sigmoid is relu6(x + 3) / 6; rebuild the layer with "
                                                  "it (and retrain) to save the model."});
    return name.empty() ? std::string("linear") : name;
  }
  if (t == typeid(InitializerArg)) return initializer_json(std::any_cast<const InitializerArg&>(v));
  if (t == typeid(RegularizerArg)) return regularizer_json(std::any_cast<const RegularizerArg&>(v));
  if (t == typeid(ConstraintArg)) return constraint_json(std::any_cast<const ConstraintArg&>(v));
  if (t == typeid(LearningRateArg)) {
    const auto& lr = std::any_cast<const LearningRateArg&>(v);
    if (lr.schedule)
      return envelope("keras.optimizers.schedules", lr.schedule->class_name(), kwargs_to_json(lr.schedule->get_config()));
    return number_json(lr.value);
  }
  throw ValueError("keraspp cannot write the value of argument `" + key + "` into a Keras config (C++ type " +
                       t.name() + ").",
                   {.received = key, .hint = "this argument cannot be saved yet; leave it at its default to save the "
                                             "model."});
}

std::any raw_value(const kw::Kwargs& kwargs, const std::string& key) {
  // Kwargs has no public accessor for the stored std::any: every type a keyword may hold is tried through get<T>.
  if (kwargs.is_none(key)) return None{};
#define KERASPP_TRY_TYPE(T)                                 \
  try {                                                     \
    if (auto x = kwargs.get<T>(key)) return std::any(*x);   \
  } catch (const TypeError&) {                              \
  }
  KERASPP_TRY_TYPE(std::string)
  KERASPP_TRY_TYPE(bool)
  KERASPP_TRY_TYPE(int)
  KERASPP_TRY_TYPE(long)
  KERASPP_TRY_TYPE(long long)
  KERASPP_TRY_TYPE(double)
  KERASPP_TRY_TYPE(float)
  KERASPP_TRY_TYPE(Shape)
  KERASPP_TRY_TYPE(std::vector<int64_t>)
  KERASPP_TRY_TYPE(std::vector<int>)
  KERASPP_TRY_TYPE(IntTuple)
  KERASPP_TRY_TYPE(std::vector<double>)
  KERASPP_TRY_TYPE(FloatList)
  KERASPP_TRY_TYPE(PaddingArg)
  KERASPP_TRY_TYPE(ActivationArg)
  KERASPP_TRY_TYPE(InitializerArg)
  KERASPP_TRY_TYPE(RegularizerArg)
  KERASPP_TRY_TYPE(ConstraintArg)
  KERASPP_TRY_TYPE(LearningRateArg)
#undef KERASPP_TRY_TYPE
  throw ValueError("keraspp cannot write the value of argument `" + key + "` into a Keras config.",
                   {.received = key, .hint = "this argument cannot be saved yet; leave it at its default to save the "
                                             "model."});
}

Json kwargs_to_json(const kw::Kwargs& kwargs) {
  Json out = Json::object();
  for (const std::string& key : kwargs.keys()) out[key] = encode_value(key, raw_value(kwargs, key));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

const Json* find_member(const Json& obj, const std::string& key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const Json& require_object(const Json& j, const std::string& what, const Context& ctx) {
  if (!j.is_object()) fail(ctx, "Expected " + what + " to be a JSON object, but it is " + describe(j) + ".");
  return j;
}

const Json& require_member(const Json& obj, const std::string& key, const std::string& what, const Context& ctx) {
  require_object(obj, what, ctx);
  const Json* m = find_member(obj, key);
  if (!m) fail(ctx, what + " has no \"" + key + "\" entry.", {.expected = key});
  return *m;
}

std::string require_string(const Json& j, const std::string& what, const Context& ctx) {
  if (!j.is_string()) fail(ctx, "Expected " + what + " to be a string, but it is " + describe(j) + ".");
  return j.get<std::string>();
}

std::string object_class_name(const Json& obj, const std::string& what, const Context& ctx) {
  const std::string cls = require_string(require_member(obj, "class_name", what, ctx), what + "'s class_name", ctx);
  if (const Json* reg = find_member(obj, "registered_name"); reg && !reg->is_null()) {
    const bool custom_layer = reg->is_string() && layers::detail::custom_layer_factory(reg->get<std::string>());
    if (!custom_layer && (!reg->is_string() || (reg->get<std::string>() != cls && reg->get<std::string>() != "Functional")))
      fail(ctx, "Could not locate class '" + cls + "'. Make sure custom classes are decorated with "
                "`@keras.saving.register_keras_serializable()`. Full object config: " + obj.dump(),
           {.received = reg->dump(),
            .hint = "a custom layer loads once its C++ class is registered under that name: "
                    "layers::register_custom_layer(package, class_name, from_config) for " + reg->dump() +
                    "; other custom objects cannot be loaded by keraspp."});
  }
  return cls;
}

namespace {

using Decoder = std::function<std::any(const Json&, const std::string& key, const std::string& owner, const Context&)>;

[[noreturn]] void wrong_type(const std::string& key, const std::string& expected, const Json& j, const std::string& owner,
                             const Context& ctx) {
  fail(ctx, "Invalid value for argument `" + key + "` of " + owner + ": expected " + expected + ", received " +
                describe(j) + ".",
       {.layer = owner, .expected = expected, .received = describe(j),
        .hint = "the config was edited or damaged; Keras writes `" + key + "` as " + expected + "."});
}

int64_t as_int64(const Json& j, const std::string& key, const std::string& owner, const Context& ctx) {
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number_unsigned()) {
    uint64_t u = j.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(u);
  }
  wrong_type(key, "an integer", j, owner, ctx);
}

int as_int(const Json& j, const std::string& key, const std::string& owner, const Context& ctx) {
  int64_t v = as_int64(j, key, owner, ctx);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    wrong_type(key, "an integer that fits 32 bits", j, owner, ctx);
  return static_cast<int>(v);
}

double as_double(const Json& j, const std::string& key, const std::string& owner, const Context& ctx) {
  if (!j.is_number()) wrong_type(key, "a number", j, owner, ctx);
  return j.get<double>();
}

const Json& as_list(const Json& j, const std::string& key, const std::string& owner, const Context& ctx) {
  if (!j.is_array()) wrong_type(key, "a list", j, owner, ctx);
  if (j.size() > kMaxListLength) wrong_type(key, "a list of at most " + std::to_string(kMaxListLength) + " items", j, owner, ctx);
  return j;
}

std::vector<int64_t> as_int_list(const Json& j, const std::string& key, const std::string& owner, const Context& ctx) {
  std::vector<int64_t> out;
  for (const Json& e : as_list(j, key, owner, ctx)) out.push_back(as_int64(e, key, owner, ctx));
  return out;
}

std::vector<double> as_double_list(const Json& j, const std::string& key, const std::string& owner, const Context& ctx) {
  std::vector<double> out;
  for (const Json& e : as_list(j, key, owner, ctx)) out.push_back(as_double(e, key, owner, ctx));
  return out;
}

// {"class_name": ..., "config": {...}} -> (class name, keyword arguments).
std::pair<std::string, kw::Kwargs> decode_object(const Json& j, const std::string& key, const std::string& owner,
                                                 const Context& ctx) {
  const std::string what = "argument `" + key + "` of " + owner;
  const std::string cls = object_class_name(j, what, ctx);
  kw::Kwargs config;
  if (const Json* c = find_member(j, "config"); c && !c->is_null())
    config = json_to_kwargs(require_object(*c, what + "'s config", ctx), cls + " (" + what + ")", ctx);
  return {cls, std::move(config)};
}

// Rewraps a ValueError from a constructor with the source of the config.
template <class F>
auto with_context(const Context& ctx, const std::string& owner, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ValueError& e) {
    fail(ctx, e.message() + " [" + owner + "]",
         {.layer = e.layer(), .expected = e.expected(), .received = e.received(), .hint = e.hint()});
  }
}

using ScheduleFactory = std::function<std::shared_ptr<const optimizers::schedules::LearningRateSchedule>(const kw::Kwargs&)>;

const std::map<std::string, ScheduleFactory>& schedule_classes() {
  using namespace optimizers::schedules;
  static const std::map<std::string, ScheduleFactory> m = {
      {"ExponentialDecay", [](const kw::Kwargs& k) { return std::make_shared<ExponentialDecay>(k); }},
      {"PiecewiseConstantDecay", [](const kw::Kwargs& k) { return std::make_shared<PiecewiseConstantDecay>(k); }},
      {"PolynomialDecay", [](const kw::Kwargs& k) { return std::make_shared<PolynomialDecay>(k); }},
      {"InverseTimeDecay", [](const kw::Kwargs& k) { return std::make_shared<InverseTimeDecay>(k); }},
      {"CosineDecay", [](const kw::Kwargs& k) { return std::make_shared<CosineDecay>(k); }},
      {"CosineDecayRestarts", [](const kw::Kwargs& k) { return std::make_shared<CosineDecayRestarts>(k); }},
  };
  return m;
}

// An initializer, regularizer or constraint: a name (checked now) or a serialized object, {"class_name", "config"}.
template <class Arg, class Get, class Deserialize>
Arg decode_named_object(const Json& j, const std::string& key, const std::string& owner, const Context& ctx,
                        const std::string& what, Get get, Deserialize deserialize) {
  Arg arg;
  if (j.is_string()) {
    arg = Arg(j.get<std::string>());
    with_context(ctx, owner, [&] { return get(arg); });
  } else if (j.is_object()) {
    // A pair, not a structured binding: clang 14 cannot capture bindings in a lambda (a C++20 addition).
    const auto decoded = decode_object(j, key, owner, ctx);
    arg.object = with_context(ctx, owner, [&] { return deserialize(decoded.first, decoded.second); });
  } else {
    wrong_type(key, what + " (a name or a serialized " + what.substr(what.find(' ') + 1) + ")", j, owner, ctx);
  }
  return arg;
}

template <class T>
std::any decode_as(const Json& j, const std::string& key, const std::string& owner, const Context& ctx) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) wrong_type(key, "a string", j, owner, ctx);
    return j.get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) wrong_type(key, "true or false", j, owner, ctx);
    return j.get<bool>();
  } else if constexpr (std::is_same_v<T, int>) {
    return as_int(j, key, owner, ctx);
  } else if constexpr (std::is_same_v<T, kw::AxisArg>) {
    // As the keyword stores it: an int, or an IntTuple for a list.
    if (j.is_array()) return IntTuple(as_int_list(j, key, owner, ctx));
    return as_int(j, key, owner, ctx);
  } else if constexpr (std::is_same_v<T, double>) {
    return as_double(j, key, owner, ctx);
  } else if constexpr (std::is_same_v<T, Shape>) {
    return decode_shape(j, "argument `" + key + "` of " + owner, ctx);
  } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
    return as_int_list(j, key, owner, ctx);
  } else if constexpr (std::is_same_v<T, IntTuple>) {
    if (j.is_array()) return IntTuple(as_int_list(j, key, owner, ctx));
    return IntTuple(std::vector<int64_t>{as_int64(j, key, owner, ctx)});
  } else if constexpr (std::is_same_v<T, FloatList>) {
    if (j.is_array()) return FloatList(as_double_list(j, key, owner, ctx));
    return FloatList(as_double(j, key, owner, ctx));
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    return as_double_list(j, key, owner, ctx);
  } else if constexpr (std::is_same_v<T, PaddingArg>) {
    // "same", 1, [1, 2] or [[1, 2], [3, 4]]
    if (j.is_string()) return PaddingArg(j.get<std::string>());
    PaddingArg p;
    if (!j.is_array()) {
      p.values.push_back({as_int64(j, key, owner, ctx)});
      return p;
    }
    for (const Json& e : as_list(j, key, owner, ctx)) {
      if (e.is_array()) p.values.push_back(as_int_list(e, key, owner, ctx));
      else p.values.push_back({as_int64(e, key, owner, ctx)});
    }
    if (p.values.empty()) wrong_type(key, "a padding (a mode, an int or a list of ints)", j, owner, ctx);
    return p;
  } else if constexpr (std::is_same_v<T, ActivationArg>) {
    std::string name;
    if (j.is_string()) {
      name = j.get<std::string>();
    } else if (j.is_object()) {
      // {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "function"}
      const Json* cfg = find_member(j, "config");
      const Json* cls = find_member(j, "class_name");
      if (!cls || !cls->is_string() || cls->get<std::string>() != "function" || !cfg || !cfg->is_string())
        fail(ctx, "Unsupported activation for " + owner + ": " + describe(j) + ".",
             {.layer = owner, .hint = "keraspp loads activations given by name (\"relu\", \"softmax\", ...)."});
      name = cfg->get<std::string>();
    } else {
      wrong_type(key, "an activation name", j, owner, ctx);
    }
    with_context(ctx, owner, [&] { return activations::get(ActivationArg(name)); });
    return ActivationArg(name);
  } else if constexpr (std::is_same_v<T, InitializerArg>) {
    return decode_named_object<InitializerArg>(j, key, owner, ctx, "an initializer",
                                               [](const InitializerArg& a) { return initializers::get(a); },
                                               [](const auto& c, const auto& k) { return initializers::deserialize(c, k); });
  } else if constexpr (std::is_same_v<T, RegularizerArg>) {
    return decode_named_object<RegularizerArg>(j, key, owner, ctx, "a regularizer",
                                               [](const RegularizerArg& a) { return regularizers::get(a); },
                                               [](const auto& c, const auto& k) { return regularizers::deserialize(c, k); });
  } else if constexpr (std::is_same_v<T, ConstraintArg>) {
    return decode_named_object<ConstraintArg>(j, key, owner, ctx, "a constraint",
                                              [](const ConstraintArg& a) { return constraints::get(a); },
                                              [](const auto& c, const auto& k) { return constraints::deserialize(c, k); });
  } else if constexpr (std::is_same_v<T, LearningRateArg>) {
    LearningRateArg arg;
    if (j.is_number()) {
      arg.value = j.get<double>();
    } else if (j.is_object()) {
      const auto decoded = decode_object(j, key, owner, ctx);
      const std::string& cls = decoded.first;
      const kw::Kwargs& config = decoded.second;
      auto it = schedule_classes().find(cls);
      if (it == schedule_classes().end())
        fail(ctx, "Unknown learning rate schedule '" + cls + "' for " + owner + ".",
             {.received = cls, .hint = "keraspp knows ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, "
                                       "InverseTimeDecay, CosineDecay and CosineDecayRestarts."});
      arg.schedule = with_context(ctx, owner, [&] { return it->second(config); });
    } else {
      wrong_type(key, "a number or a learning rate schedule", j, owner, ctx);
    }
    return arg;
  } else {
    static_assert(kw::dependent_false<T>, "add this keyword value type to config_codec.cpp");
  }
}

// EinsumDense's output_shape: Keras writes a list; an int (the constructor's form for one axis) is read too.
std::any decode_output_shape(const Json& j, const std::string& key, const std::string& owner, const Context& ctx) {
  if (j.is_number_integer()) return Shape{Dim(j.get<int64_t>())};
  return decode_as<Shape>(j, key, owner, ctx);
}

// Every keyword a saved config may carry, with its C++ type from its KERAS_KEYWORD declaration.
const std::map<std::string, Decoder>& keyword_table() {
#define KERASPP_KW(NAME) {#NAME, &decode_as<kw::NAME##_t::type>}
  static const std::map<std::string, Decoder> table = {
      // layers
      KERASPP_KW(name), KERASPP_KW(input_shape), KERASPP_KW(input_dim), KERASPP_KW(batch_input_shape),
      KERASPP_KW(batch_size), KERASPP_KW(trainable), KERASPP_KW(dtype), KERASPP_KW(shape), KERASPP_KW(batch_shape),
      KERASPP_KW(units), KERASPP_KW(activation), KERASPP_KW(use_bias), KERASPP_KW(kernel_initializer),
      KERASPP_KW(bias_initializer), KERASPP_KW(recurrent_initializer), KERASPP_KW(kernel_regularizer),
      KERASPP_KW(bias_regularizer), KERASPP_KW(data_format), KERASPP_KW(target_shape), KERASPP_KW(n),
      KERASPP_KW(dims), KERASPP_KW(axis), KERASPP_KW(rate), KERASPP_KW(noise_shape), KERASPP_KW(seed),
      KERASPP_KW(negative_slope), KERASPP_KW(alpha), KERASPP_KW(max_value), KERASPP_KW(threshold),
      KERASPP_KW(approximate), KERASPP_KW(alpha_initializer), KERASPP_KW(alpha_regularizer), KERASPP_KW(shared_axes),
      KERASPP_KW(filters), KERASPP_KW(kernel_size), KERASPP_KW(strides), KERASPP_KW(padding),
      KERASPP_KW(dilation_rate), KERASPP_KW(groups), KERASPP_KW(pool_size), KERASPP_KW(keepdims),
      KERASPP_KW(cropping), {"size", &decode_as<kw::size_factor_t::type>}, KERASPP_KW(interpolation),
      KERASPP_KW(center), KERASPP_KW(beta_initializer), KERASPP_KW(gamma_initializer),
      KERASPP_KW(moving_mean_initializer), KERASPP_KW(moving_variance_initializer), KERASPP_KW(beta_regularizer),
      KERASPP_KW(gamma_regularizer), KERASPP_KW(output_dim), KERASPP_KW(embeddings_initializer),
      KERASPP_KW(embeddings_regularizer), KERASPP_KW(mask_zero), KERASPP_KW(input_length), KERASPP_KW(offset),
      KERASPP_KW(variance), KERASPP_KW(invert),
      KERASPP_KW(output_padding), KERASPP_KW(depth_multiplier), KERASPP_KW(depthwise_initializer),
      KERASPP_KW(pointwise_initializer), KERASPP_KW(depthwise_regularizer), KERASPP_KW(pointwise_regularizer),
      KERASPP_KW(mask_value), KERASPP_KW(recurrent_activation), KERASPP_KW(return_sequences),
      KERASPP_KW(unit_forget_bias), KERASPP_KW(return_state), KERASPP_KW(go_backwards), KERASPP_KW(stateful),
      KERASPP_KW(unroll), KERASPP_KW(dropout), KERASPP_KW(recurrent_dropout), KERASPP_KW(reset_after),
      KERASPP_KW(zero_output_for_mask), KERASPP_KW(recurrent_regularizer), KERASPP_KW(merge_mode),
      KERASPP_KW(axes), KERASPP_KW(normalize), KERASPP_KW(activity_regularizer), KERASPP_KW(kernel_constraint),
      KERASPP_KW(bias_constraint), KERASPP_KW(recurrent_constraint), KERASPP_KW(embeddings_constraint),
      KERASPP_KW(depthwise_constraint), KERASPP_KW(pointwise_constraint), KERASPP_KW(beta_constraint),
      KERASPP_KW(gamma_constraint), KERASPP_KW(alpha_constraint), KERASPP_KW(equation), KERASPP_KW(bias_axes),
      {"output_shape", &decode_output_shape}, KERASPP_KW(lora_rank), KERASPP_KW(lora_alpha), KERASPP_KW(num_heads),
      KERASPP_KW(key_dim), KERASPP_KW(value_dim), KERASPP_KW(attention_axes), KERASPP_KW(flash_attention),
      KERASPP_KW(use_scale), KERASPP_KW(score_mode), KERASPP_KW(head_dim), KERASPP_KW(num_query_heads),
      KERASPP_KW(num_key_value_heads), KERASPP_KW(height_factor), KERASPP_KW(width_factor), KERASPP_KW(fill_mode),
      KERASPP_KW(fill_value), KERASPP_KW(value_range), KERASPP_KW(height), KERASPP_KW(width),
      KERASPP_KW(crop_to_aspect_ratio), KERASPP_KW(pad_to_aspect_ratio), KERASPP_KW(num_tokens),
      KERASPP_KW(output_mode), KERASPP_KW(sparse), KERASPP_KW(bin_boundaries), KERASPP_KW(num_bins),
      KERASPP_KW(power_iterations), KERASPP_KW(max_tokens), KERASPP_KW(num_oov_indices), KERASPP_KW(mask_token),
      KERASPP_KW(oov_token), KERASPP_KW(vocabulary), KERASPP_KW(vocabulary_dtype), KERASPP_KW(idf_weights),
      KERASPP_KW(pad_to_max_tokens), KERASPP_KW(vocabulary_size),
      // initializers and regularizers
      KERASPP_KW(value), KERASPP_KW(mean), KERASPP_KW(stddev), KERASPP_KW(minval), KERASPP_KW(maxval),
      KERASPP_KW(gain), KERASPP_KW(scale), KERASPP_KW(mode), KERASPP_KW(distribution), KERASPP_KW(l1),
      KERASPP_KW(l2), KERASPP_KW(factor), KERASPP_KW(min_value),
      // optimizers and learning-rate schedules
      KERASPP_KW(learning_rate), KERASPP_KW(beta_1), KERASPP_KW(beta_2), KERASPP_KW(epsilon), KERASPP_KW(amsgrad),
      KERASPP_KW(momentum), KERASPP_KW(nesterov), KERASPP_KW(rho), KERASPP_KW(centered), KERASPP_KW(weight_decay),
      KERASPP_KW(clipnorm), KERASPP_KW(clipvalue), KERASPP_KW(global_clipnorm), KERASPP_KW(initial_accumulator_value),
      KERASPP_KW(ema_momentum), KERASPP_KW(use_ema), KERASPP_KW(initial_learning_rate), KERASPP_KW(decay_steps),
      KERASPP_KW(decay_rate), KERASPP_KW(staircase), KERASPP_KW(boundaries), KERASPP_KW(values),
      KERASPP_KW(warmup_target), KERASPP_KW(warmup_steps), KERASPP_KW(end_learning_rate), KERASPP_KW(power),
      KERASPP_KW(cycle), KERASPP_KW(first_decay_steps), KERASPP_KW(t_mul), KERASPP_KW(m_mul),
      KERASPP_KW(learning_rate_power), KERASPP_KW(l1_regularization_strength), KERASPP_KW(l2_regularization_strength),
      KERASPP_KW(l2_shrinkage_regularization_strength),
      KERASPP_KW(beta_2_decay), KERASPP_KW(epsilon_1), KERASPP_KW(epsilon_2), KERASPP_KW(clip_threshold),
      KERASPP_KW(relative_step),
      // losses
      KERASPP_KW(from_logits), KERASPP_KW(reduction), KERASPP_KW(label_smoothing), KERASPP_KW(delta),
      KERASPP_KW(gamma), KERASPP_KW(apply_class_balancing), KERASPP_KW(ignore_class), KERASPP_KW(beta),
      // metrics
      KERASPP_KW(thresholds), KERASPP_KW(top_k), KERASPP_KW(class_id), KERASPP_KW(num_thresholds), KERASPP_KW(curve),
      KERASPP_KW(summation_method), KERASPP_KW(multi_label), KERASPP_KW(num_labels), KERASPP_KW(average),
      KERASPP_KW(class_aggregation), KERASPP_KW(num_regressors), KERASPP_KW(num_classes),
      KERASPP_KW(target_class_ids), KERASPP_KW(sparse_y_true), KERASPP_KW(sparse_y_pred), KERASPP_KW(k),
      KERASPP_KW(specificity), KERASPP_KW(sensitivity), KERASPP_KW(recall), KERASPP_KW(precision),
  };
#undef KERASPP_KW
  return table;
}

}  // namespace

bool is_keyword(const std::string& key) { return keyword_table().count(key) > 0; }

std::any decode_value(const std::string& key, const Json& j, const std::string& owner, const Context& ctx) {
  auto it = keyword_table().find(key);
  if (it == keyword_table().end())
    fail(ctx, "Unrecognized keyword argument passed to " + owner + ": " + quoted(key) + ".",
         {.layer = owner, .received = key, .hint = "keraspp does not support the argument `" + key + "` here yet."});
  if (j.is_null()) return None{};
  return it->second(j, key, owner, ctx);
}

kw::Kwargs json_to_kwargs(const Json& config, const std::string& owner, const Context& ctx) {
  require_object(config, "the config of " + owner, ctx);
  kw::Kwargs out;
  for (auto it = config.begin(); it != config.end(); ++it) out.set(it.key(), decode_value(it.key(), it.value(), owner, ctx));
  return out;
}

void check_float32_dtype(const Json& j, const std::string& owner, const Context& ctx) {
  if (j.is_null()) return;
  std::string name;
  if (j.is_string()) {
    name = j.get<std::string>();
  } else if (j.is_object()) {
    const Json* cls = find_member(j, "class_name");
    const Json* cfg = find_member(j, "config");
    const Json* n = cfg ? find_member(*cfg, "name") : nullptr;
    if (!cls || !cls->is_string() || cls->get<std::string>() != "DTypePolicy" || !n || !n->is_string())
      fail(ctx, "Unsupported dtype policy for " + owner + ": " + describe(j) + ".",
           {.layer = owner, .expected = "float32", .hint = "keraspp computes in float32 only."});
    name = n->get<std::string>();
  } else {
    fail(ctx, "Invalid dtype for " + owner + ": " + describe(j) + ".", {.layer = owner, .expected = "float32"});
  }
  if (name != "float32")
    fail(ctx, "Unsupported dtype '" + name + "' for " + owner + ": keraspp computes in float32 only.",
         {.layer = owner, .expected = "float32", .received = name,
          .hint = "save the model with dtype float32 (mixed precision and quantized models cannot be loaded yet)."});
}

Shape decode_shape(const Json& j, const std::string& what, const Context& ctx) {
  if (!j.is_array() || j.size() > 64)
    fail(ctx, "Expected " + what + " to be a shape (a list of sizes and nulls), but it is " + describe(j) + ".");
  std::vector<Dim> dims;
  for (const Json& e : j) {
    if (e.is_null()) {
      dims.emplace_back(keras::None);
    } else if (e.is_number_integer() || e.is_number_unsigned()) {
      if (e.is_number_integer() && e.get<int64_t>() < 0)
        fail(ctx, "Expected " + what + " to hold sizes >= 0 or null, but it holds " + e.dump() + ".");
      if (e.is_number_unsigned() && e.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / 2))
        fail(ctx, "The size " + e.dump() + " in " + what + " is too large.");
      dims.emplace_back(static_cast<long long>(e.get<int64_t>()));
    } else {
      fail(ctx, "Expected " + what + " to hold sizes and nulls, but it holds " + describe(e) + ".");
    }
  }
  return Shape(std::move(dims));
}

}  // namespace keras::saving::detail
