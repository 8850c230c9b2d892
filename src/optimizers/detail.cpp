#include "optimizers/detail.hpp"

#include <cmath>

#include "keras/core/errors.hpp"

namespace keras::optimizers::detail {

double sum_of_squares(const float* x, int64_t n) {
  double s = 0.0;
#pragma omp parallel for simd reduction(+ : s) if (parallel : n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return s;
}

std::string py_optional(const std::optional<double>& v) { return v ? py_float(*v) : "None"; }

std::string py_list(const std::vector<double>& v, bool integral_as_int) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    if (integral_as_int && std::isfinite(v[i]) && v[i] == std::floor(v[i]) && std::abs(v[i]) < 1e15)
      out += std::to_string(static_cast<int64_t>(v[i]));
    else
      out += py_float(v[i]);
  }
  return out + "]";
}

std::optional<double> get_number(const kw::Kwargs& k, std::string_view key) {
  if (!k.has(key) || k.is_none(key)) return std::nullopt;
  try {
    return k.get<double>(key);
  } catch (const TypeError&) {
  }
  try {
    return static_cast<double>(*k.get<int>(key));
  } catch (const TypeError&) {
  }
  try {
    return static_cast<double>(*k.get<float>(key));
  } catch (const TypeError&) {
  }
  return static_cast<double>(*k.get<int64_t>(key));  // throws TypeError naming the keyword
}

void require(const kw::Kwargs& k, const std::string& class_name, const std::vector<std::string>& keys) {
  std::vector<std::string> missing;
  for (const std::string& key : keys)
    if (!k.has(key) || k.is_none(key)) missing.push_back("'" + key + "'");
  if (missing.empty()) return;
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) {
    if (i) list += missing.size() == 2 ? " and " : (i + 1 == missing.size() ? ", and " : ", ");
    list += missing[i];
  }
  const bool one = missing.size() == 1;
  std::string example;
  for (size_t i = 0; i < keys.size(); ++i) example += (i ? ", " : "") + keys[i] + "=...";
  throw TypeError(class_name + ".__init__() missing " + std::to_string(missing.size()) + " required positional argument" +
                      (one ? "" : "s") + ": " + list,
                  {.expected = example, .hint = "give them positionally in Keras's order or by keyword: " + class_name +
                                                    "(" + example + ")."});
}

}  // namespace keras::optimizers::detail
