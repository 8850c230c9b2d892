#include "saving/weights.hpp"

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>

#include "keras/core/errors.hpp"
#include "keras/optimizers/optimizer.hpp"
#include "trainers/training_state.hpp"

namespace keras::saving::detail {

namespace {

using Leaf = std::function<void(const std::string& path, const LayerImpl& layer)>;
using ModelVisit = std::function<void(const std::string& path, const FunctionalImpl& model)>;

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "/" + b; }

// Keras's walk over model.layers: each layer under layers/<snake_case class>, numbered per class.
void walk(const FunctionalImpl& model, const std::string& path, const ModelVisit& on_model, const Leaf& on_layer,
          int depth = 0) {
  if (depth > 32) throw ValueError("Models are nested too deeply to save or load.");
  on_model(path, model);
  std::map<std::string, int> counters;
  for (const auto& layer : model.layers()) {
    const std::string snake = to_snake_case(layer->class_name());
    const int n = counters[snake]++;
    const std::string sub = join(path, "layers/" + (n == 0 ? snake : snake + "_" + std::to_string(n)));
    if (layer->is_model()) walk(static_cast<const FunctionalImpl&>(*layer), sub, on_model, on_layer, depth + 1);
    else on_layer(sub, *layer);
  }
}

// layer._trainable_variables + layer._non_trainable_variables, each in creation order.
std::vector<VariablePtr> ordered_variables(const LayerImpl& layer) {
  std::vector<VariablePtr> vars = layer.own_variables();
  std::stable_partition(vars.begin(), vars.end(), [](const VariablePtr& v) { return v->trainable; });
  return vars;
}

// Wrappers (TimeDistributed, Bidirectional) hold their weights in the wrapped layers, which Keras stores in nested
// groups (layers/<wrapper>/layer/vars, .../forward_layer/cell/vars) that keraspp does not write or read yet: refused
// rather than saved or loaded without them.
void check_weights_are_own(const LayerImpl& layer) {
  if (layer.own_variables().empty() && !layer.variables().empty())
    throw NotImplementedError("keraspp cannot save or load the weights of layer '" + layer.name() + "' (" +
                              layer.class_name() + ") yet: they belong to the layers it wraps.");
}

std::string object_repr(const LayerImpl& layer) {
  return "<" + layer.class_name() + " name=" + layer.name() + ", built=" + (layer.built() ? "True" : "False") + ">";
}

std::string shape_text(const std::vector<int64_t>& dims) { return to_string(Shape::of(dims)); }

struct Failure {
  std::string object;
  std::string message;
  ErrorDetails details;
};

}  // namespace

void write_weights(H5Writer& store, const FunctionalImpl& model, bool include_optimizer) {
  walk(
      model, "", [&](const std::string& path, const FunctionalImpl& m) { store.write_vars(path, m.name(), {}); },
      [&](const std::string& path, const LayerImpl& layer) {
        check_weights_are_own(layer);
        std::vector<Tensor> values;
        for (const auto& v : ordered_variables(layer)) values.push_back(v->value);
        store.write_vars(path, layer.name(), values);
      });
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
  walk(
      model, "", [](const std::string&, const FunctionalImpl&) {},
      [&](const std::string& path, const LayerImpl& layer) {
        check_weights_are_own(layer);
        const std::vector<VariablePtr> vars = ordered_variables(layer);
        const size_t count = store.count_vars(path).value_or(0);
        if (count != vars.size()) {
          std::string names;
          for (const auto& v : vars) names += (names.empty() ? "'" : ", '") + v->name + "'";
          std::string msg;
          ErrorDetails d{.layer = layer.name(), .expected = std::to_string(vars.size()) + " variables",
                         .received = std::to_string(count) + " variables"};
          if (vars.empty() && !layer.built()) {
            msg = "Layer '" + layer.name() + "' was never built and thus it doesn't have any variables. However the "
                  "weights file lists " + std::to_string(count) + " variables for this layer.";
            d.hint = "build the model before load_weights: give it an input shape (keras::Input(shape=...) or "
                     "input_shape=) or call it on data once.";
          } else {
            msg = "Layer '" + layer.name() + "' expected " + std::to_string(vars.size()) +
                  " variables, but received " + std::to_string(count) + " variables during loading. Expected: [" +
                  names + "]";
            d.hint = "the file's group '" + path + "' belongs to a different layer: the model must have the same "
                     "layers, in the same order, as the model that saved the weights.";
          }
          failures.push_back({object_repr(layer), msg, d});
          return;
        }
        for (size_t i = 0; i < vars.size(); ++i) {
          const std::vector<int64_t> got = store.var_shape(path, i);
          const std::vector<int64_t>& want = vars[i]->value.dims();
          if (got != want) {
            failures.push_back(
                {object_repr(layer),
                 "The shape of the target variable and the shape of the target value in `variable.assign(value)` "
                 "must match. variable.shape=" + shape_text(want) + ", Received: value.shape=" + shape_text(got) +
                     ". Target variable: <Variable path=" + layer.name() + "/" + vars[i]->name + ", shape=" +
                     shape_text(want) + ", dtype=float32>",
                 {.layer = layer.name(), .expected = shape_text(want), .received = shape_text(got),
                  .hint = "the weights file holds " + vars[i]->name + " " + shape_text(got) + " for layer '" +
                          layer.name() + "' (file group '" + path + "'), but this model's " + vars[i]->name + " is " +
                          shape_text(want) + ": build the model exactly as the one that saved the file (same input "
                          "shape and sizes), or load the whole model with keras::saving::load_model(\"m.keras\")."}});
            return;
          }
        }
        for (size_t i = 0; i < vars.size(); ++i)
          staged.emplace_back(vars[i], store.read_var(path, i, vars[i]->value.dims()));
      });
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
  for (auto& [var, value] : staged) std::copy_n(value.data(), value.size(), var->value.data());

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
