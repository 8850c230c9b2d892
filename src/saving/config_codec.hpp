#pragma once
// Keyword arguments <-> Keras 3 config JSON.
//
// Writing goes by the C++ type a keyword's value has (kw::Kwargs holds std::any): strings, numbers, booleans, None,
// Shape (a list with nulls), lists, ActivationArg (its name), InitializerArg / RegularizerArg / a learning-rate
// schedule (Keras's {"module", "class_name", "config", "registered_name"} envelope).
// Reading goes by the keyword's declared type (kw::NAME_t::type), looked up by name in one table; JSON null becomes
// "None" (the keyword's default). A key that is no keyword, or a value of the wrong JSON type, is a ValueError naming
// the key, the object it belongs to and the source (file) it came from.
#include <any>
#include <string>

#include <nlohmann/json.hpp>

#include "keras/core/args.hpp"
#include "keras/core/errors.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/shape.hpp"

namespace keras::saving::detail {

using Json = nlohmann::ordered_json;

// Where a config comes from, for messages ("file 'm.keras' (config.json)").
struct Context {
  std::string source;
};

// A ValueError whose message ends with " (in <source>)".
[[noreturn]] void fail(const Context& ctx, const std::string& message, ErrorDetails details = {});

// The JSON type of a value, as a message shows it ("a string", "a list", ...), and a short excerpt.
std::string describe(const Json& j);

// ---- writing ----
Json encode_value(const std::string& key, const std::any& value);
// The value stored under `key` (Kwargs::None_ for None); a ValueError for a type no keyword uses.
std::any raw_value(const kw::Kwargs& kwargs, const std::string& key);
Json kwargs_to_json(const kw::Kwargs& kwargs);
// {"module": module, "class_name": class_name, "config": config, "registered_name": null}
Json envelope(const std::string& module, const std::string& class_name, Json config);
// Keras 3.4+'s dtype of a float32 layer: the DTypePolicy envelope.
Json dtype_policy_json();
Json shape_json(const Shape& s);
Json shapes_json(const std::vector<Shape>& shapes);  // one shape, or a list of them when there are several
Json initializer_json(const InitializerArg& arg);

// ---- reading ----
bool is_keyword(const std::string& key);
// The value of keyword `key` from JSON; `owner` names the object ("layer 'dense' (Dense)").
std::any decode_value(const std::string& key, const Json& j, const std::string& owner, const Context& ctx);
// A config object whose keys are all keywords (initializer, regularizer, schedule, optimizer, loss configs).
kw::Kwargs json_to_kwargs(const Json& config, const std::string& owner, const Context& ctx);
// Accepts "float32" or {"class_name": "DTypePolicy", "config": {"name": "float32"}} (or null); anything else is a
// ValueError: keraspp computes in float32 only.
void check_float32_dtype(const Json& j, const std::string& owner, const Context& ctx);
Shape decode_shape(const Json& j, const std::string& what, const Context& ctx);
// The object member `key` (nullptr when absent); `obj` must be an object.
const Json* find_member(const Json& obj, const std::string& key);
const Json& require_object(const Json& j, const std::string& what, const Context& ctx);
const Json& require_member(const Json& obj, const std::string& key, const std::string& what, const Context& ctx);
std::string require_string(const Json& j, const std::string& what, const Context& ctx);
// The class name of a serialized object, refusing custom (registered) objects keraspp cannot know.
std::string object_class_name(const Json& obj, const std::string& what, const Context& ctx);

}  // namespace keras::saving::detail
