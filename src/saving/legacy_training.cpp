#include "saving/legacy_training.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <set>

#include "keras/core/errors.hpp"
#include "keras/optimizers/optimizer.hpp"
#include "saving/legacy_h5.hpp"
#include "saving/model_config.hpp"
#include "trainers/training_state.hpp"

namespace keras::saving::detail {

namespace {

const std::string kWhat = "training_config";

[[noreturn]] void refuse(const Context& ctx, const std::string& message, const std::string& received) {
  fail(ctx, message, {.received = received,
                      .hint = "load with keras::saving::load_model(path, /*compile=*/false) and call compile() "
                              "yourself."});
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Keras 3's optimizers.deserialize matches built-in class names case-insensitively; tf.keras 2.11+ registered its
// optimizers as "Custom>Adam".
std::string optimizer_class(std::string cls) {
  if (cls.rfind("Custom>", 0) == 0) cls = cls.substr(7);
  static const std::map<std::string, std::string> canonical = {
      {"adam", "Adam"},       {"adamw", "AdamW"},   {"sgd", "SGD"},     {"rmsprop", "RMSprop"}, {"adagrad", "Adagrad"},
      {"adadelta", "Adadelta"}, {"adamax", "Adamax"}, {"nadam", "Nadam"}, {"lion", "Lion"}, {"lamb", "Lamb"},
  };
  auto it = canonical.find(lower(cls));
  return it == canonical.end() ? cls : it->second;
}

Json optimizer_from_training(const Json& oc, const Context& ctx) {
  require_object(oc, "the training_config's optimizer_config", ctx);
  const std::string cls =
      optimizer_class(require_string(require_member(oc, "class_name", "optimizer_config", ctx),
                                     "the optimizer_config's class_name", ctx));
  Json config = Json::object();
  if (const Json* c = find_member(oc, "config"); c && !c->is_null())
    config = require_object(*c, "the optimizer's config", ctx);
  // tf.keras 2 took `lr` as an alias of learning_rate, and it won over learning_rate.
  if (const Json* lr = find_member(config, "lr")) {
    Json value = *lr;  // copied first: inserting a key may move the members
    config["learning_rate"] = std::move(value);
    config.erase("lr");
  }
  // The update rules are those of the Keras 3 optimizer of the same class, as when Keras 3 loads the file.
  config.erase("is_legacy_optimizer");
  if (const Json* decay = find_member(config, "decay"); decay && decay->is_number()) {
    const double d = decay->get<double>();
    if (d != 0.0) {
      const Json* lr = find_member(config, "learning_rate");
      if (!lr || !lr->is_number())
        refuse(ctx, "keraspp cannot combine Keras 2's decay=" + decay->dump() + " with " +
                        (lr ? "a learning-rate schedule" : "the default learning rate") + " (" + kWhat + ").",
               "decay");
      // Keras 2's time-based decay: lr / (1 + decay * iterations).
      Json schedule = {{"class_name", "InverseTimeDecay"},
                       {"config", {{"initial_learning_rate", *lr}, {"decay_steps", 1}, {"decay_rate", d},
                                   {"staircase", false}}}};
      config["learning_rate"] = std::move(schedule);
    }
    config.erase("decay");
  }
  return Json{{"class_name", cls}, {"config", std::move(config)}};
}

// A loss object's Keras 2 reduction "auto" is Keras 3's default, sum_over_batch_size.
Json loss_entry(const Json& j) {
  if (!j.is_object() || !find_member(j, "class_name")) return j;
  Json out = j;
  if (Json* c = out.contains("config") ? &out["config"] : nullptr; c && c->is_object())
    if (const Json* r = find_member(*c, "reduction"); r && r->is_string() && r->get<std::string>() == "auto")
      (*c)["reduction"] = "sum_over_batch_size";
  return out;
}

// Per-output entries (a dict by output name, or a list with one entry per output) that are all the same: that entry.

Json loss_from_training(const Json& loss, const Context&) {
  if (loss.is_object() && !find_member(loss, "class_name")) {  // by output name
    Json out = Json::object();
    for (auto e = loss.begin(); e != loss.end(); ++e) out[e.key()] = loss_entry(e.value());
    return out;
  }
  if (loss.is_array()) {
    Json out = Json::array();
    for (const Json& e : loss) out.push_back(loss_entry(e));
    return out;
  }
  return loss_entry(loss);
}



void warn(const std::string& message) { std::cerr << "WARNING: " << message << "\n" << std::flush; }

}  // namespace

Json training_config_json(const FunctionalImpl& model) {
  Json cc = compile_config_json(model);
  if (cc.is_null()) return nullptr;
  Json tc = Json::object();
  for (auto it = cc.begin(); it != cc.end(); ++it)
    if (it.key() != "optimizer") tc[it.key()] = it.value();
  // Keras serializes the compile arguments the legacy way (a loss object without module), and the optimizer by
  // its get_config(), whose learning-rate schedule keeps its module (Keras 3 finds the class by it).
  tc = legacy_config(tc);
  const optimizers::Optimizer& opt = *model.training_state()->optimizer;
  tc["optimizer_config"] = Json{{"class_name", opt.class_name()}, {"config", kwargs_to_json(opt.get_config())}};
  return tc;
}

Json compile_config_from_training_config(const Json& tc, const Context& ctx) {
  require_object(tc, kWhat, ctx);
  Json cc = Json::object();
  cc["optimizer"] = optimizer_from_training(require_member(tc, "optimizer_config", kWhat, ctx), ctx);
  // Keras 3 writes these; they do not change what compile() sets up.
  static const std::set<std::string> passed = {"run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss"};
  for (auto m = tc.begin(); m != tc.end(); ++m) {
    const std::string& key = m.key();
    const Json& v = m.value();
    if (key == "optimizer_config") continue;
    if (passed.count(key)) {
      cc[key] = v;
    } else if (key == "loss") {
      if (!v.is_null()) cc["loss"] = loss_from_training(v, ctx);
    } else if (key == "metrics" || key == "weighted_metrics") {
      if (!v.is_null()) cc[key] = v;  // Keras 2 wrote them per output: [["acc"], ["acc"]] or {"out": ["acc"]}
    } else if (key == "loss_weights") {
      if (!v.is_null()) cc["loss_weights"] = v;
    } else if (key == "sample_weight_mode") {
      if (!v.is_null()) refuse(ctx, "keraspp does not support sample_weight_mode=" + v.dump() + " (" + kWhat + ").", key);
    } else {
      refuse(ctx, "Unsupported " + kWhat + " entry '" + key + "'.", key);
    }
  }
  return cc;
}

void write_optimizer_weights(H5Writer& store, const FunctionalImpl& model) {
  const auto& state = model.training_state();
  if (!state || !state->compiled || !state->optimizer || !state->optimizer->built()) return;
  const optimizers::Optimizer& opt = *state->optimizer;
  std::vector<Tensor> values = opt.variables();
  if (values.empty()) return;
  values[0] = values[0].copy().set_dtype("int64");  // Keras's iteration is an int64
  // Keras names them by variable path ("iteration", "learning_rate", "adam/dense_kernel_momentum"); keraspp does not
  // keep slot names, and Keras reads the datasets in weight_names order whatever they are called.
  std::vector<std::string> names{"iteration"};
  if (!opt.learning_rate_schedule()) names.push_back("learning_rate");
  while (names.size() < values.size()) names.push_back(opt.name() + "_variable_" + std::to_string(names.size()));
  store.create_group("optimizer_weights");
  store.write_string_list_attr("optimizer_weights", "weight_names", names);
  for (size_t i = 0; i < values.size(); ++i) store.write_dataset("optimizer_weights/" + names[i], values[i]);
}

void restore_training(H5Reader& store, const Model& model, const std::string& path) {
  auto text = store.string_attr("", "training_config");
  if (!text) {
    warn("No training configuration found in the save file, so the model was *not* compiled. Compile it manually.");
    return;
  }
  const Context ctx{"'" + path + "' (training_config)"};
  compile_from_config(model, compile_config_from_training_config(parse_json(*text, ctx), ctx), ctx, kWhat);
  if (!store.has_group("optimizer_weights")) return;

  const FunctionalImpl& g = model.graph();
  optimizers::Optimizer& opt = *g.training_state()->optimizer;
  opt.ensure_built(g.trainable_variables());
  const std::vector<Tensor> mine = opt.variables();
  auto fresh = [&](const std::string& why) {
    warn("Error in loading the saved optimizer state. As a result, your model is starting with a freshly "
         "initialized optimizer. (" + why + ")");
  };
  const std::vector<std::string> names = store.string_list_attr("optimizer_weights", "weight_names").value_or(
      std::vector<std::string>{});
  if (names.size() != mine.size())
    return fresh("optimizer '" + opt.name() + "' has " + std::to_string(mine.size()) +
                 " variables whereas the saved optimizer has " + std::to_string(names.size()) + " variables.");
  std::vector<std::string> paths;
  for (size_t i = 0; i < names.size(); ++i) {
    paths.push_back("optimizer_weights/" + names[i]);
    const std::vector<int64_t> got = store.dataset_shape(paths.back());
    if (got != mine[i].dims())
      return fresh("its variable " + std::to_string(i) + " has shape " + shape_text(mine[i].dims()) +
                   " whereas the saved one, '" + names[i] + "', has shape " + shape_text(got) + ".");
  }
  std::vector<Tensor> values;
  for (size_t i = 0; i < paths.size(); ++i) values.push_back(store.read_dataset(paths[i], mine[i].dims()));
  opt.set_variables(values);
}

}  // namespace keras::saving::detail
