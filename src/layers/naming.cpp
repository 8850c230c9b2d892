#include <map>
#include <mutex>
#include <regex>
#include <string>

#include "keras/layers/layer.hpp"

namespace keras {

namespace {
std::mutex& counters_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, int>& counters() {
  static std::map<std::string, int> c;
  return c;
}
}  // namespace

// Keras 3's utils/naming.py to_snake_case: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, ReLU -> re_lu.
std::string to_snake_case(const std::string& class_name) {
  static const std::regex non_word(R"(\W+)");
  static const std::regex word_start("(.)([A-Z][a-z]+)");
  static const std::regex lower_upper("([a-z])([A-Z])");
  std::string s = std::regex_replace(class_name, non_word, "");
  s = std::regex_replace(s, word_start, "$1_$2");
  s = std::regex_replace(s, lower_upper, "$1_$2");
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string unique_name(const std::string& base) {
  std::lock_guard lock(counters_mutex());
  int uid = counters()[base]++;
  return uid == 0 ? base : base + "_" + std::to_string(uid);
}

namespace utils {
void clear_session() {
  std::lock_guard lock(counters_mutex());
  counters().clear();
}
}  // namespace utils

}  // namespace keras
