#include "saving/weights.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "keras/core/errors.hpp"
#include "keras/optimizers/optimizer.hpp"
#include "saving/saveables.hpp"
#include "trainers/training_state.hpp"

namespace keras::saving::detail {

namespace {


// layer._trainable_variables + layer._non_trainable_variables, each in creation order.
std::vector<VariablePtr> ordered_variables(const LayerImpl& layer) {
  std::vector<VariablePtr> vars = layer.own_variables();
  std::stable_partition(vars.begin(), vars.end(), [](const VariablePtr& v) { return v->trainable; });
  return vars;
}

// A layer whose variables are not its own and which no table below knows (a future wrapper) is refused rather than
// saved or loaded without them.
void check_weights_are_own(const LayerImpl& layer) {
  if (layer.own_variables().empty() && !layer.variables().empty())
    throw NotImplementedError("keraspp cannot save or load the weights of layer '" + layer.name() + "' (" +
                              layer.class_name() + ") yet: they belong to the layers it wraps.");
}

// One `<path>/vars` group of the store: what Keras 3's save_own_variables writes for one object.
struct VarsGroup {
  std::string path;
  std::string object_name;   // the group's `name` attribute (Keras 3.6+): the object's name
  std::string object_class;  // Keras's class of the object, for messages ("Dense", "LSTMCell")
  const LayerImpl* layer;    // the keraspp layer the variables belong to
  std::string var_prefix;    // Keras's variable path without the variable's name ("lstm/lstm_cell")
  std::vector<VariablePtr> vars;
  // Files keraspp wrote before it stored RNN cells kept an RNN's variables in the layer's own group: read there
  // when the cell's group is missing.
  std::string fallback;
  // The entries' names when the layer names them (LayerImpl::keyed_store_variables); empty: by position.
  std::vector<std::string> keys = {};
};

// The walk's output, and the objects already visited. Keras saves and loads an object reached twice (a layer used
// directly and inside a nested model) under the first path only (visited_saveables). keraspp reads so, but writes
// every path: a model rebuilt from its config has two separate layers there (in Keras too), and reads both.
struct Walk {
  std::vector<VarsGroup> groups;
  std::set<const LayerImpl*> visited;
  bool skip_repeated = false;
};

// fallback: where an older writer kept the layer's variables (read when `path` is missing).
void walk_layer(const LayerImpl& layer, const std::string& path, const std::string& prefix, Walk& walk, int depth,
                const std::string& fallback = "");

// Keras's walk over model.layers: each layer under layers/<snake_case class>, numbered per class.
void walk_model(const FunctionalImpl& model, const std::string& path, Walk& walk, int depth) {
  if (depth > 32) throw ValueError("Models are nested too deeply to save or load.");
  std::vector<VarsGroup>& out = walk.groups;
  out.push_back({path, model.name(), model.class_name(), &model, model.name(), {}, {}});
  std::map<std::string, int> counters;
  for (const auto& layer : model.layers()) {
    const std::string snake = to_snake_case(layer->class_name());
    const int n = counters[snake]++;
    walk_layer(*layer, join(path, "layers/" + (n == 0 ? snake : snake + "_" + std::to_string(n))), layer->name(),
               walk, depth + 1);
  }
}

// _save_state on one layer: its own variables at <path>/vars, then its sub-objects at <path>/<attribute>.
void walk_layer(const LayerImpl& layer, const std::string& path, const std::string& prefix, Walk& walk, int depth,
                const std::string& fallback) {
  if (depth > 32) throw ValueError("Models are nested too deeply to save or load.");
  if (!walk.visited.insert(&layer).second && walk.skip_repeated) return;
  if (layer.is_model()) return walk_model(static_cast<const FunctionalImpl&>(layer), path, walk, depth);
  std::vector<VarsGroup>& out = walk.groups;
  if (auto cell = rnn_cell(layer)) {
    out.push_back({path, layer.name(), layer.class_name(), &layer, prefix, {}, {}});
    out.push_back({path + "/cell", cell->name, cell->class_name, &layer, prefix + "/" + cell->name,
                   ordered_variables(layer), path});
    return;
  }
  const std::vector<WrappedLayer> wrapped = wrapped_layers(layer);
  if (const auto keyed = layer.keyed_store_variables(); !keyed.empty()) {
    VarsGroup g{path, layer.name(), layer.class_name(), &layer, prefix, {}, {}};
    for (const auto& [key, v] : keyed) {
      g.keys.push_back(key);
      g.vars.push_back(v);
    }
    out.push_back(std::move(g));
    return;
  }
  if (wrapped.empty()) {
    check_weights_are_own(layer);
    out.push_back({path, layer.name(), layer.class_name(), &layer, prefix, ordered_variables(layer), fallback});
    return;
  }
  // A wrapper's own variables (SpectralNormalization's: the wrapped kernel again, which Keras's tracker lists as the
  // wrapper's too, and vector_u), then the wrapped layers' groups.
  out.push_back({path, layer.name(), layer.class_name(), &layer, prefix, ordered_variables(layer), {}});
  for (const WrappedLayer& w : wrapped)
    walk_layer(*w.layer, path + "/" + w.attribute, prefix + "/" + w.layer->name(), walk, depth + 1,
               w.older_attribute.empty() ? "" : path + "/" + w.older_attribute);
}

std::vector<VarsGroup> vars_groups(const FunctionalImpl& model, bool skip_repeated) {
  Walk walk;
  walk.skip_repeated = skip_repeated;
  walk.visited.insert(&model);
  walk_model(model, "", walk, 0);
  return std::move(walk.groups);
}

std::string object_repr(const VarsGroup& g) {
  return "<" + g.object_class + " name=" + g.object_name + ", built=" + (g.layer->built() ? "True" : "False") + ">";
}


struct Failure {
  std::string object;
  std::string message;
  ErrorDetails details;
};

}  // namespace

std::vector<std::pair<std::string, const LayerImpl*>> layer_paths(const FunctionalImpl& model) {
  std::vector<std::pair<std::string, const LayerImpl*>> out;
  std::set<const LayerImpl*> seen;
  for (const VarsGroup& g : vars_groups(model, true))
    if (g.layer != &model && seen.insert(g.layer).second) out.emplace_back(g.path, g.layer);
  return out;
}

void write_weights(H5Writer& store, const FunctionalImpl& model, bool include_optimizer) {
  for (const VarsGroup& g : vars_groups(model, false)) {
    std::vector<Tensor> values;
    for (const auto& v : g.vars) values.push_back(v->value);
    store.write_vars(g.path, g.object_name, values, g.keys);
  }
  if (!include_optimizer) return;
  const auto& state = model.training_state();
  if (state && state->compiled && state->optimizer && state->optimizer->built()) {
    std::vector<Tensor> values = state->optimizer->variables();
    if (!values.empty()) values[0] = values[0].copy().set_dtype("int64");  // Keras's iteration is an int64
    store.write_vars("optimizer", state->optimizer->name(), values);
  }
}

void read_weights(H5Reader& store, const FunctionalImpl& model, bool restore_optimizer) {
  std::vector<Failure> failures;
  std::vector<std::pair<VariablePtr, Tensor>> staged;
  std::vector<VarsGroup> groups = vars_groups(model, true);
  // Older keraspp files: an RNN's variables in the layer's group and no cell group. The RNN's own (empty) group is
  // then not checked, its entries being the cell's.
  std::set<std::string> moved;
  for (VarsGroup& g : groups)
    if (!g.fallback.empty() && !g.vars.empty() && !store.count_vars(g.path) &&
        store.count_vars(g.fallback).value_or(0) == g.vars.size()) {
      g.path = g.fallback;
      moved.insert(g.fallback);
    }
  for (const VarsGroup& g : groups) {
    if (g.vars.empty() && moved.count(g.path)) continue;
    const std::vector<VariablePtr>& vars = g.vars;
    const LayerImpl& layer = *g.layer;
    const std::string& path = g.path;
    const size_t count = store.count_vars(path).value_or(0);
    if (count != vars.size()) {
      std::string names;
      for (const auto& v : vars) names += (names.empty() ? "'" : ", '") + v->name + "'";
      std::string msg;
      ErrorDetails d{.layer = layer.name(), .expected = std::to_string(vars.size()) + " variables",
                     .received = std::to_string(count) + " variables"};
      if (vars.empty() && !layer.built()) {
        msg = "Layer '" + g.object_name + "' was never built and thus it doesn't have any variables. However the "
              "weights file lists " + std::to_string(count) + " variables for this layer.";
        d.hint = "build the model before load_weights: give it an input shape (keras::Input(shape=...) or "
                 "input_shape=) or call it on data once.";
      } else {
        msg = "Layer '" + g.object_name + "' expected " + std::to_string(vars.size()) + " variables, but received " +
              std::to_string(count) + " variables during loading. Expected: [" + names + "]";
        d.hint = "the file's group '" + path + "' belongs to a different layer: the model must have the same "
                 "layers, in the same order, as the model that saved the weights.";
      }
      failures.push_back({object_repr(g), msg, d});
      continue;
    }
    if (!g.keys.empty()) {  // named entries: read whole, whatever their size
      const std::string group = path.empty() ? "vars" : path + "/vars";
      for (size_t i = 0; i < vars.size(); ++i) {
        const std::string entry = group + "/" + g.keys[i];
        std::vector<int64_t> shape;
        try {
          shape = store.dataset_shape(entry);
        } catch (const ValueError&) {
          failures.push_back({object_repr(g), "Unable to synchronously open object (object '" + g.keys[i] +
                                                  "' doesn't exist)",
                              {.layer = layer.name(), .expected = g.keys[i], .received = path,
                               .hint = "the file's group '" + path + "' belongs to a different layer."}});
          break;
        }
        staged.emplace_back(vars[i], store.read_dataset(entry, shape));
      }
      continue;
    }
    bool shapes_ok = true;
    for (size_t i = 0; i < vars.size() && shapes_ok; ++i) {
      const std::vector<int64_t> got = store.var_shape(path, i);
      const std::vector<int64_t>& want = vars[i]->value.dims();
      if (got == want) continue;
      shapes_ok = false;
      failures.push_back(
          {object_repr(g),
           "The shape of the target variable and the shape of the target value in `variable.assign(value)` "
           "must match. variable.shape=" + shape_text(want) + ", Received: value.shape=" + shape_text(got) +
               ". Target variable: <Variable path=" + g.var_prefix + "/" + vars[i]->name + ", shape=" +
               shape_text(want) + ", dtype=float32>",
           {.layer = layer.name(), .expected = shape_text(want), .received = shape_text(got),
            .hint = "the weights file holds " + vars[i]->name + " " + shape_text(got) + " for layer '" +
                    layer.name() + "' (file group '" + path + "'), but this model's " + vars[i]->name + " is " +
                    shape_text(want) + ": build the model exactly as the one that saved the file (same input "
                    "shape and sizes), or load the whole model with keras::saving::load_model(\"m.keras\")."}});
    }
    if (!shapes_ok) continue;
    for (size_t i = 0; i < vars.size(); ++i) staged.emplace_back(vars[i], store.read_var(path, i, vars[i]->value.dims()));
  }
  if (!failures.empty()) {
    std::string list;
    for (const auto& f : failures) list += (list.empty() ? "" : ", ") + f.object;
    const Failure& first = failures.front();
    throw ValueError("A total of " + std::to_string(failures.size()) + " objects could not be loaded. Example error "
                     "message for object " + first.object + ":\n\n" + first.message +
                         "\n\nList of objects that could not be loaded:\n[" + list + "] (weights file " +
                         store.source() + ")",
                     first.details);
  }
  for (auto& [var, value] : staged) {
    if (var->value.defined() && var->value.dims() == value.dims()) std::copy_n(value.data(), value.size(), var->value.data());
    else var->value = value;  // a keyed entry of another size (IntegerLookup's idf weights before load_assets)
  }

  if (!restore_optimizer) return;
  const auto& state = model.training_state();
  if (!state || !state->compiled || !state->optimizer) return;
  auto count = store.count_vars("optimizer");
  if (!count) return;
  auto& opt = *state->optimizer;
  opt.ensure_built(const_cast<FunctionalImpl&>(model).trainable_variables());
  std::vector<Tensor> mine = opt.variables();
  auto skip = [&](const std::string& why) {
    std::cerr << "UserWarning: Skipping variable loading for optimizer '" << opt.name() << "', because " << why
              << "\n";
  };
  if (*count != mine.size()) {
    skip("it has " + std::to_string(mine.size()) + " variables whereas the saved optimizer has " +
         std::to_string(*count) + " variables.");
    return;
  }
  std::vector<Tensor> values;
  for (size_t i = 0; i < mine.size(); ++i) {
    const std::vector<int64_t> got = store.var_shape("optimizer", i);
    if (got != mine[i].dims()) {
      skip("its variable " + std::to_string(i) + " has shape " + shape_text(mine[i].dims()) +
           " whereas the saved one has shape " + shape_text(got) + ".");
      return;
    }
    values.push_back(store.read_var("optimizer", i, got));
  }
  opt.set_variables(values);
}

}  // namespace keras::saving::detail
