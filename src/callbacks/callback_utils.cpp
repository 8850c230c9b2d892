#include "callbacks/callback_utils.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string_view>

#include "keras/core/errors.hpp"

namespace keras::callback_types::detail {

void print_msg(const std::string& message) { std::cout << message << "\n" << std::flush; }

void warn(const std::string& message, std::set<std::string>* seen) {
  if (seen && !seen->insert(message).second) return;
  std::cerr << "UserWarning: " << message << "\n" << std::flush;
}

std::optional<bool> higher_is_better(const std::string& monitor) {
  std::string name = monitor.rfind("val_", 0) == 0 ? monitor.substr(4) : monitor;
  if (name == "loss") return false;
  // Keras numbers repeated metric objects: "auc_1", "precision_2".
  auto strip_index = [](const std::string& s) {
    size_t i = s.size();
    while (i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1]))) --i;
    if (i < s.size() && i > 1 && s[i - 1] == '_') return s.substr(0, i - 1);
    return s;
  };
  static const char* const kUp[] = {
      "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
      "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "auc", "precision", "recall", "f1_score",
      "fbeta_score", "r2_score", "iou", "mean_iou", "binary_iou", "one_hot_iou", "one_hot_mean_iou",
      "true_positives", "true_negatives", "cosine_similarity", "precision_at_recall", "recall_at_precision",
      "sensitivity_at_specificity", "specificity_at_sensitivity"};
  static const char* const kDown[] = {
      "loss", "mse", "mae", "mape", "msle", "mean_squared_error", "mean_absolute_error",
      "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "root_mean_squared_error",
      "log_cosh_error", "logcosh", "log_cosh", "crossentropy", "ce", "bce", "binary_crossentropy",
      "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_focal_crossentropy",
      "categorical_focal_crossentropy", "kl_divergence", "kld", "kullback_leibler_divergence", "poisson", "hinge",
      "squared_hinge", "categorical_hinge", "huber", "false_positives", "false_negatives", "dice", "tversky", "ctc"};
  const std::string base = strip_index(name);
  // The longest known name that is the whole name or its "_"-separated suffix (multi-output "dense_1_accuracy").
  std::optional<bool> found;
  size_t best = 0;
  auto consider = [&](const char* known, bool up) {
    const std::string_view k(known);
    bool match = base == k || (base.size() > k.size() && base.compare(base.size() - k.size(), k.size(), k) == 0 &&
                               base[base.size() - k.size() - 1] == '_');
    if (match && k.size() > best) {
      best = k.size();
      found = up;
    }
  };
  for (const char* k : kUp) consider(k, true);
  for (const char* k : kDown) consider(k, false);
  return found;
}

namespace {

struct Spec {
  char fill = ' ';
  char align = 0;  // '<', '>', '^', '=' or 0 (default)
  char sign = '-';
  bool alternate = false;
  int width = 0;
  char grouping = 0;
  int precision = -1;
  char type = 0;
};

[[noreturn]] void bad_spec(const std::string& message) { throw ValueError(message); }

Spec parse_spec(const std::string& s) {
  Spec spec;
  size_t i = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (s.size() >= 2 && is_align(s[1])) {
    spec.fill = s[0];
    spec.align = s[1];
    i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    spec.align = s[0];
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) spec.sign = s[i++];
  if (i < s.size() && s[i] == '#') {
    spec.alternate = true;
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    if (!spec.align) {
      spec.fill = '0';
      spec.align = '=';
    }
    ++i;
  }
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) spec.width = spec.width * 10 + (s[i++] - '0');
  if (i < s.size() && (s[i] == ',' || s[i] == '_')) spec.grouping = s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i])))
      bad_spec("Format specifier missing precision");
    spec.precision = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      spec.precision = spec.precision * 10 + (s[i++] - '0');
  }
  if (i < s.size()) spec.type = s[i++];
  if (i < s.size()) bad_spec("Invalid format specifier '" + s + "'");
  return spec;
}

std::string group_digits(const std::string& digits, char sep) {
  if (!sep) return digits;
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return out;
}

// Applies grouping to the integer digits at the start of a formatted magnitude ("1234.50" -> "1,234.50").
std::string group_number(const std::string& body, char sep) {
  if (!sep) return body;
  size_t end = 0;
  while (end < body.size() && std::isdigit(static_cast<unsigned char>(body[end]))) ++end;
  return group_digits(body.substr(0, end), sep) + body.substr(end);
}

std::string pad(const std::string& sign, const std::string& body, const Spec& spec, char default_align) {
  const std::string whole = sign + body;
  const int len = static_cast<int>(whole.size());
  if (spec.width <= len) return whole;
  const size_t n = static_cast<size_t>(spec.width - len);
  const char align = spec.align ? spec.align : default_align;
  switch (align) {
    case '<': return whole + std::string(n, spec.fill);
    case '^': return std::string(n / 2, spec.fill) + whole + std::string(n - n / 2, spec.fill);
    case '=': return sign + std::string(n, spec.fill) + body;
    default: return std::string(n, spec.fill) + whole;
  }
}

std::string printf_double(const std::string& fmt, double v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt.c_str(), v);
  return buf;
}

// Python's float formatting for types f, F, e, E, g, G, % and none, of a non-negative magnitude.
std::string format_float_body(double mag, const Spec& spec, char type) {
  if (std::isnan(mag)) return (type == 'F' || type == 'E' || type == 'G') ? "NAN" : "nan";
  if (std::isinf(mag)) return (type == 'F' || type == 'E' || type == 'G') ? "INF" : "inf";
  const int p = spec.precision;
  const std::string alt = spec.alternate ? "#" : "";
  switch (type) {
    case 'f':
    case 'F': return printf_double("%" + alt + "." + std::to_string(p < 0 ? 6 : p) + "f", mag);
    case 'e':
    case 'E': return printf_double("%" + alt + "." + std::to_string(p < 0 ? 6 : p) + type, mag);
    case 'g':
    case 'G': return printf_double("%" + alt + "." + std::to_string(p < 0 ? 6 : p) + type, mag);
    case '%': return printf_double("%" + alt + "." + std::to_string(p < 0 ? 6 : p) + "f", mag * 100.0) + "%";
    default: {
      if (p < 0) return py_float(mag);
      // No type with a precision: like 'g', but fixed notation keeps a digit after the point, and scientific
      // notation starts at exponent p - 1 (Python's "general" format with repr-style flourishes).
      const int prec = p == 0 ? 1 : p;
      std::string e = printf_double("%." + std::to_string(prec - 1) + "e", mag);
      const int exp = std::stoi(e.substr(e.find('e') + 1));
      std::string out;
      if (exp >= -4 && exp < prec - 1) {
        out = printf_double("%." + std::to_string(prec - 1 - exp) + "f", mag);
        if (out.find('.') != std::string::npos) {
          while (out.back() == '0') out.pop_back();
          if (out.back() == '.') out += '0';
        } else {
          out += ".0";
        }
      } else {
        out = printf_double("%." + std::to_string(prec - 1) + "e", mag);
        const size_t epos = out.find('e');
        std::string mant = out.substr(0, epos);
        if (mant.find('.') != std::string::npos) {
          while (mant.back() == '0') mant.pop_back();
          if (mant.back() == '.') mant.pop_back();
        }
        out = mant + out.substr(epos);
      }
      return out;
    }
  }
}

std::string format_field(const FormatValue& value, const std::string& spec_text, char conversion) {
  if (conversion) {
    // !s / !r: the value's str()/repr() (the same for numbers), then the spec applied to that string.
    std::string text = std::holds_alternative<int64_t>(value) ? std::to_string(std::get<int64_t>(value))
                                                                : py_float(std::get<double>(value));
    Spec spec = parse_spec(spec_text);
    if (spec.type && spec.type != 's')
      bad_spec(std::string("Unknown format code '") + spec.type + "' for object of type 'str'");
    if (spec.precision >= 0 && static_cast<int>(text.size()) > spec.precision)
      text = text.substr(0, static_cast<size_t>(spec.precision));
    return pad("", text, spec, '<');
  }
  Spec spec = parse_spec(spec_text);
  if (std::holds_alternative<int64_t>(value)) {
    const int64_t v = std::get<int64_t>(value);
    const char t = spec.type;
    if (t == 0 || t == 'd' || t == 'n' || t == 'x' || t == 'X' || t == 'o' || t == 'b') {
      if (spec.precision >= 0) bad_spec("Precision not allowed in integer format specifier");
      const uint64_t mag = v < 0 ? static_cast<uint64_t>(0) - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
      std::string digits, prefix;
      if (t == 'x' || t == 'X' || t == 'o' || t == 'b') {
        const int base = t == 'o' ? 8 : t == 'b' ? 2 : 16;
        const char* alphabet = t == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        uint64_t m = mag;
        do {
          digits.insert(digits.begin(), alphabet[m % static_cast<uint64_t>(base)]);
          m /= static_cast<uint64_t>(base);
        } while (m);
        if (spec.alternate) prefix = std::string("0") + (t == 'X' ? 'X' : t);
      } else {
        digits = group_digits(std::to_string(mag), spec.grouping);
      }
      std::string sign = v < 0 ? "-" : spec.sign == '+' ? "+" : spec.sign == ' ' ? " " : "";
      return pad(sign + prefix, digits, spec, '>');
    }
    if (std::string("fFeEgG%").find(t) == std::string::npos)
      bad_spec(std::string("Unknown format code '") + t + "' for object of type 'int'");
    const double d = static_cast<double>(v);
    std::string sign = std::signbit(d) ? "-" : spec.sign == '+' ? "+" : spec.sign == ' ' ? " " : "";
    return pad(sign, group_number(format_float_body(std::fabs(d), spec, t), spec.grouping), spec, '>');
  }
  const double d = std::get<double>(value);
  const char t = spec.type;
  if (t != 0 && std::string("fFeEgG%n").find(t) == std::string::npos)
    bad_spec(std::string("Unknown format code '") + t + "' for object of type 'float'");
  std::string sign = (std::signbit(d) && !std::isnan(d)) ? "-" : spec.sign == '+' ? "+" : spec.sign == ' ' ? " " : "";
  return pad(sign, group_number(format_float_body(std::fabs(d), spec, t == 'n' ? 'g' : t), spec.grouping), spec,
             '>');
}

}  // namespace

std::string python_format(const std::string& pattern, const std::map<std::string, FormatValue>& fields) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '}') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      throw ValueError("Single '}' encountered in format string");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    const size_t close = pattern.find('}', i + 1);
    if (close == std::string::npos) throw ValueError("Single '{' encountered in format string");
    const std::string field = pattern.substr(i + 1, close - i - 1);
    if (field.find('{') != std::string::npos)
      throw ValueError("Nested replacement fields are not supported in a callback's filepath: {" + field + "}");
    size_t name_end = field.find_first_of(":!");
    std::string name = field.substr(0, name_end);
    char conversion = 0;
    std::string spec;
    if (name_end != std::string::npos && field[name_end] == '!') {
      if (name_end + 1 >= field.size() || (field[name_end + 1] != 's' && field[name_end + 1] != 'r' &&
                                           field[name_end + 1] != 'a'))
        throw ValueError("Unknown conversion specifier in format string: {" + field + "}");
      conversion = field[name_end + 1];
      if (name_end + 2 < field.size()) {
        if (field[name_end + 2] != ':') throw ValueError("expected ':' after conversion specifier");
        spec = field.substr(name_end + 3);
      }
    } else if (name_end != std::string::npos) {
      spec = field.substr(name_end + 1);
    }
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
      throw ValueError("Replacement index " + (name.empty() ? std::string("0") : name) +
                       " out of range for positional args tuple");
    auto it = fields.find(name);
    if (it == fields.end()) throw std::out_of_range(name);
    out += format_field(it->second, spec, conversion);
    i = close;
  }
  return out;
}

bool parse_batch_count(const std::string& text, int& count) {
  if (text.empty() || text.size() > 9) return false;  // up to 999,999,999: fits an int
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  count = std::stoi(text);
  return true;
}

}  // namespace keras::callback_types::detail
