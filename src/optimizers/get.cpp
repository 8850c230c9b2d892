// keras.optimizers.get (keras/src/optimizers/__init__.py): a name (lowercased, as Keras lowercases class names
// before looking them up) or an object.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "keras/core/errors.hpp"
#include "keras/optimizers/optimizers.hpp"

namespace keras::optimizers {

namespace {

using Factory = std::function<std::shared_ptr<Optimizer>()>;

const std::map<std::string, Factory>& registry() {
  static const std::map<std::string, Factory> r = {
      {"adafactor", [] { return std::make_shared<Adafactor>(kw::Kwargs{}); }},
      {"adadelta", [] { return std::make_shared<Adadelta>(kw::Kwargs{}); }},
      {"adagrad", [] { return std::make_shared<Adagrad>(kw::Kwargs{}); }},
      {"adam", [] { return std::make_shared<Adam>(kw::Kwargs{}); }},
      {"adamax", [] { return std::make_shared<Adamax>(kw::Kwargs{}); }},
      {"adamw", [] { return std::make_shared<AdamW>(kw::Kwargs{}); }},
      {"ftrl", [] { return std::make_shared<Ftrl>(kw::Kwargs{}); }},
      {"lamb", [] { return std::make_shared<Lamb>(kw::Kwargs{}); }},
      {"lion", [] { return std::make_shared<Lion>(kw::Kwargs{}); }},
      {"nadam", [] { return std::make_shared<Nadam>(kw::Kwargs{}); }},
      {"rmsprop", [] { return std::make_shared<RMSprop>(kw::Kwargs{}); }},
      {"sgd", [] { return std::make_shared<SGD>(kw::Kwargs{}); }},
  };
  return r;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& kv : registry()) out.push_back(kv.first);
  return out;
}

std::shared_ptr<Optimizer> get(const OptimizerArg& arg) {
  if (arg.object) return arg.object;
  if (arg.name.empty()) return nullptr;
  std::string key = arg.name;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto& r = registry();
  if (auto it = r.find(key); it != r.end()) return it->second();

  std::string list;
  std::string closest;
  size_t best = 3;  // suggest only near misses
  for (const auto& kv : r) {
    list += (list.empty() ? "" : ", ") + ("\"" + kv.first + "\"");
    const size_t dist = edit_distance(key, kv.first);
    if (dist < best) {
      best = dist;
      closest = kv.first;
    }
  }
  static const std::vector<std::string> not_yet = {"muon", "lossscaleoptimizer",
                                                   "schedulefreeadamw", "schedulefreesgd"};
  if (std::find(not_yet.begin(), not_yet.end(), key) != not_yet.end())
    throw NotImplementedError("keraspp does not implement the Keras optimizer \"" + arg.name +
                              "\" yet; available: " + list + ".");
  std::string hint = closest.empty() ? "" : "did you mean \"" + closest + "\"? ";
  hint += "Use one of " + list + " (case does not matter), or an object such as optimizers::Adam(learning_rate=1e-3).";
  throw ValueError("Could not interpret optimizer identifier: " + arg.name,
                   {.expected = "one of " + list, .received = "\"" + arg.name + "\"", .hint = hint});
}

}  // namespace keras::optimizers
