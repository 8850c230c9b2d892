#include "layers/spatial_utils.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "keras/core/errors.hpp"

namespace keras::layers::spatial {

std::string py_tuple(const std::vector<int64_t>& v) {
  std::string out = "(";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
  return out + (v.size() == 1 ? ",)" : ")");
}

std::string py_pairs(const std::vector<std::pair<int64_t, int64_t>>& v) {
  std::string out = "(";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + py_tuple({v[i].first, v[i].second});
  return out + (v.size() == 1 ? ",)" : ")");
}

std::string py_value(const IntTuple& t) {
  return t.values.size() == 1 ? std::to_string(t.values[0]) : py_tuple(t.values);
}

std::string py_value(const PaddingArg& p) {
  if (p.is_mode()) return p.mode;
  const bool flat = std::all_of(p.values.begin(), p.values.end(), [](const auto& e) { return e.size() == 1; });
  if (flat) {
    if (p.values.size() == 1) return std::to_string(p.values[0][0]);
    std::vector<int64_t> v;
    for (const auto& e : p.values) v.push_back(e[0]);
    return py_tuple(v);
  }
  std::string out = "(";
  for (size_t i = 0; i < p.values.size(); ++i) out += (i ? ", " : "") + py_tuple(p.values[i]);
  return out + (p.values.size() == 1 ? ",)" : ")");
}

std::string braces(const std::vector<int64_t>& v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "}";
}

bool channels_first(const kw::Kwargs& k, const std::string& layer) {
  std::string df = k.get_or<std::string>("data_format", "channels_last");
  std::transform(df.begin(), df.end(), df.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (df != "channels_first" && df != "channels_last")
    throw ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: "
                     "data_format=" + df,
                     {.layer = layer, .expected = "channels_first or channels_last", .received = df,
                      .hint = "use data_format=\"channels_last\" for (batch, ..., channels) data (the default) or "
                              "\"channels_first\" for (batch, channels, ...)."});
  return df == "channels_first";
}

std::vector<int64_t> standardize_tuple(const std::vector<int64_t>& values, size_t n, const std::string& name,
                                       bool allow_zero, const std::string& layer, const std::string& hint) {
  const std::string shown = values.size() == 1 ? std::to_string(values[0]) : py_tuple(values);
  std::string msg = "The `" + name + "` argument must be a tuple of " + std::to_string(n) + " integers. Received " +
                    name + "=" + shown;
  if (values.empty() || (values.size() != 1 && values.size() != n))
    throw ValueError(msg, {.layer = layer, .expected = std::to_string(n) + " integers", .received = shown,
                           .hint = hint});
  std::vector<int64_t> out = values.size() == 1 ? std::vector<int64_t>(n, values[0]) : values;
  std::set<int64_t> bad;
  for (int64_t v : out)
    if (allow_zero ? v < 0 : v <= 0) bad.insert(v);
  if (!bad.empty()) {
    std::string set = "{";
    for (int64_t v : bad) set += (set.size() > 1 ? ", " : "") + std::to_string(v);
    msg += ", including values " + set + "} that do not satisfy `value " + (allow_zero ? ">= 0" : "> 0") + "`";
    throw ValueError(msg, {.layer = layer, .expected = allow_zero ? "values >= 0" : "values > 0", .received = shown,
                           .hint = hint});
  }
  return out;
}

std::pair<int64_t, int64_t> amounts_1d(const PaddingArg& p, const std::string& arg, const std::string& layer,
                                       const std::string& hint) {
  const bool flat = std::all_of(p.values.begin(), p.values.end(), [](const auto& e) { return e.size() == 1; });
  if (p.is_mode() || !flat || p.values.size() > 2)
    throw ValueError("The `" + arg + "` argument must be a tuple of 2 integers. Received " + arg + "=" + py_value(p),
                     {.layer = layer, .expected = "an int or 2 integers", .received = py_value(p), .hint = hint});
  std::vector<int64_t> v;
  for (const auto& e : p.values) v.push_back(e[0]);
  auto t = standardize_tuple(v, 2, arg, true, layer, hint);
  return {t[0], t[1]};
}

std::vector<std::pair<int64_t, int64_t>> amounts_nd(const PaddingArg& p, size_t axes, const std::string& arg,
                                                    const std::string& layer, const std::string& hint) {
  if (!p.is_mode() && p.values.size() == 1 && p.values[0].size() == 1) {
    const int64_t v = p.values[0][0];
    if (v < 0)
      throw ValueError("`" + arg + "` cannot be negative. Received: " + arg + "=" + std::to_string(v) + ".",
                       {.layer = layer, .expected = ">= 0", .received = std::to_string(v), .hint = hint});
    return std::vector<std::pair<int64_t, int64_t>>(axes, {v, v});
  }
  if (p.is_mode() || p.values.size() != axes) {
    // Keras's 2-D layers name the argument in the message, the 3-D ones print only its value.
    const std::string n = std::to_string(axes);
    const std::string msg = axes == 2 ? "`" + arg + "` should have two elements. Received: " + arg + "=" +
                                            py_value(p) + "."
                                      : "`" + arg + "` should have " + n + " elements. Received: " + py_value(p) + ".";
    throw ValueError(msg, {.layer = layer, .expected = "an int, " + n + " ints or " + n + " pairs of ints",
                           .received = py_value(p), .hint = hint});
  }
  std::vector<std::pair<int64_t, int64_t>> out;
  const char* ordinal[] = {"1st", "2nd", "3rd"};
  for (size_t i = 0; i < axes; ++i) {
    auto t = standardize_tuple(p.values[i], 2, std::string(ordinal[i]) + " entry of " + arg, true, layer, hint);
    out.emplace_back(t[0], t[1]);
  }
  return out;
}

std::string layout(int spatial_dims, bool channels_first) {
  if (spatial_dims == 1) return channels_first ? "(batch, features, steps)" : "(batch, steps, features)";
  const std::string axes = spatial_dims == 2 ? "height, width" : "depth, height, width";
  return channels_first ? "(batch, channels, " + axes + ")" : "(batch, " + axes + ", channels)";
}

std::string rank_hint(const std::string& class_name, int spatial_dims, bool channels_first, const std::string& other,
                      const SpecViolation& v) {
  const std::string from = v.producer.empty() ? "the input" : "the previous layer \"" + v.producer + "\"";
  const Shape& s = v.received;
  const int r = s.ndim();
  std::string out = class_name + " needs " + layout(spatial_dims, channels_first) + ", but " + from + " gives " +
                    to_string(s);
  auto dim = [&](int i) { return s[i].known() ? std::to_string(s[i].value()) : std::string("n"); };
  if (spatial_dims >= 2 && r == spatial_dims + 1) {
    // One axis short: data of the sibling's rank, or one-channel data without its channel axis.
    std::string shape;
    for (int i = 1; i < r; ++i) shape += dim(i) + ", ";
    shape += "1";
    out += std::string(": for ") + (spatial_dims == 2 ? "sequences" : "images") + " use " + other +
           "; for one-channel " + (spatial_dims == 2 ? "images" : "volumes") + " add the channel axis, e.g. " +
           (v.producer.empty() ? "Input(shape={" + shape + "})" : "Reshape({" + shape + "})") + ".";
  } else if (spatial_dims == 1 && r == 4 && !other.empty()) {
    out += ": for images use " + other + ".";
  } else if (r == 2) {
    std::string reshape = spatial_dims == 1   ? "Reshape({" + dim(1) + ", 1})"
                          : spatial_dims == 2 ? "Reshape({height, width, channels})"
                                              : "Reshape({depth, height, width, channels})";
    if (spatial_dims == 2 && s[1].known()) {
      const auto side = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(s[1].value()))));
      if (side * side == s[1].value())
        reshape = "Reshape({" + std::to_string(side) + ", " + std::to_string(side) + ", 1})";
    }
    out += ", which has no " + std::string(spatial_dims == 1 ? "steps axis" : "spatial axes") + ": apply " +
           class_name + " before Flatten/Dense, or reshape the features back, e.g. " + reshape + ".";
  } else if (r == 1 && v.producer.empty()) {
    out += ": add the batch axis (one sample is x.reshape({1, ...})).";
  } else {
    out += " (rank " + std::to_string(r) + ", expected " + std::to_string(spatial_dims + 2) + ").";
  }
  return out;
}

}  // namespace keras::layers::spatial
