#include "keras/models/model.hpp"

#include <algorithm>
#include <functional>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <utility>

#include "keras/core/errors.hpp"
#include "keras/utils/summary_utils.hpp"
#include "keras/optimizers/optimizer.hpp"
#include "backend/flush_denormals.hpp"
#include "core/storage_pool.hpp"
#include "models/forward_only.hpp"
#include "models/sequential_impl.hpp"
#include "trainers/callback_list.hpp"
#include "trainers/dataset_size.hpp"
#include "trainers/trainer.hpp"
#include "trainers/training_state.hpp"

namespace keras {

Model::Model(std::shared_ptr<LayerImpl> impl) : Layer(std::move(impl)) {
  if (impl_ && !impl_->is_model())
    throw ValueError("Layer \"" + impl_->name() + "\" is not a model.", {.layer = impl_->name()});
  if (impl_) stop_training.attach(graph().training_state());
}

Model::Model(const SymbolicTensors& inputs, const SymbolicTensors& outputs, const kw::Kwargs& kwargs)
    : Model(std::make_shared<FunctionalImpl>(inputs.tensors, outputs.tensors, kwargs)) {}

FunctionalImpl& Model::graph() const {
  if (!impl_) throw ValueError("This Model handle is empty.", {.hint = "construct it from inputs and outputs."});
  return static_cast<FunctionalImpl&>(*impl_);
}

std::vector<Tensor> Model::prepare_inputs(const Data& x) const {
  FunctionalImpl& g = graph();
  std::vector<Tensor> xs = x.tensors;
  if (!x.names.empty() && g.has_graph()) {
    xs.clear();
    for (const auto& in : g.inputs()) {
      const std::string& want = in.node()->layer->name();
      bool found = false;
      for (size_t i = 0; i < x.names.size(); ++i)
        if (x.names[i] == want) {
          xs.push_back(x.tensors[i]);
          found = true;
        }
      if (!found) {
        std::string given;
        for (const auto& n : x.names) given += (given.empty() ? "" : ", ") + n;
        throw ValueError("Missing data for input \"" + want + "\". You passed a data dictionary with keys [" + given +
                             "]. Expected the following keys: the names of the model's inputs",
                         {.layer = g.name(), .hint = "name each Input (keras::Input(shape=..., name=\"...\")) and use "
                                                     "those names as keys."});
      }
    }
  }
  if (xs.empty()) throw ValueError("No input data was given.", {.layer = g.name()});
  if (g.has_graph() && xs.size() != g.inputs().size())
    throw ValueError("Layer \"" + g.name() + "\" expects " + std::to_string(g.inputs().size()) +
                         " input(s), but it received " + std::to_string(xs.size()) + " input tensors.",
                     {.layer = g.name(), .expected = std::to_string(g.inputs().size()) + " inputs",
                      .received = std::to_string(xs.size()) + " inputs",
                      .hint = "pass one array per model input, in the order of Model(inputs, ...): {x_a, x_b}."});
  std::vector<Shape> shapes;
  std::set<int64_t> sizes;
  for (const auto& t : xs) {
    if (!t.defined()) throw ValueError("An input Tensor is undefined.", {.layer = g.name()});
    shapes.push_back(t.shape());
    if (t.ndim() > 0) sizes.insert(t.dim(0));
  }
  if (sizes.size() > 1) {
    std::string s;
    for (const auto& t : xs) s += (s.empty() ? "" : ", ") + std::to_string(t.ndim() ? t.dim(0) : 0);
    throw ValueError("Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.'x' "
                     "sizes: " + s + "\n",
                     {.layer = g.name(), .received = s,
                      .hint = "every input array needs the same number of samples (first dimension)."});
  }
  g.check_and_build(shapes);
  return xs;
}

std::vector<Tensor> Model::prepare_targets(const Data& y) const {
  FunctionalImpl& g = graph();
  if (y.names.empty() || !g.has_graph()) return y.tensors;
  std::vector<Tensor> ys;
  std::string given;
  for (const auto& n : y.names) given += (given.empty() ? "'" : ", '") + n + "'";
  for (const auto& out : g.outputs()) {
    const std::string want = out.producer_name();
    const auto at = std::find(y.names.begin(), y.names.end(), want);
    if (at == y.names.end()) {
      std::string names;
      for (const auto& o : g.outputs()) names += (names.empty() ? "'" : ", '") + o.producer_name() + "'";
      throw ValueError("Missing data for output \"" + want + "\". You passed a data dictionary with keys [" + given +
                           "]. Expected the following keys: [" + names + "]",
                       {.layer = g.name(), .received = "[" + given + "]",
                        .hint = "y given by name needs one entry per output, keyed by the name of the layer that "
                                "makes it."});
    }
    ys.push_back(y.tensors[static_cast<size_t>(at - y.names.begin())]);
  }
  if (ys.size() != y.names.size())
    for (const auto& n : y.names)
      if (std::none_of(g.outputs().begin(), g.outputs().end(),
                       [&](const KerasTensor& o) { return o.producer_name() == n; }))
        throw ValueError("Unknown entry in the target data dictionary: \"" + n + "\". Only expected the following "
                         "keys: the names of the model's outputs",
                         {.layer = g.name(), .received = n,
                          .hint = "key y by the names of the layers that make the outputs."});
  return ys;
}

Prediction Model::predict_with(const Data& x, const kw::Kwargs& k) const {
  detail::StorageCacheScope storage_scope;
  detail::FlushDenormalsScope flush_denormals;
  detail::ForwardOnlyScope forward_only;
  std::vector<Tensor> xs = prepare_inputs(x);
  FunctionalImpl& g = graph();
  int batch_size = k.get_or("batch_size", 32);
  if (batch_size <= 0)
    throw ValueError("Invalid value for argument `batch_size`: " + std::to_string(batch_size) +
                     ". Expected a positive integer.", {.hint = "use batch_size=32 or another positive number."});
  int64_t n = xs[0].ndim() ? xs[0].dim(0) : 1;
  if (auto steps = k.get<int>("steps")) n = std::min<int64_t>(n, static_cast<int64_t>(*steps) * batch_size);
  std::vector<Shape> in_shapes;
  for (const auto& t : xs) in_shapes.push_back(t.shape());
  std::vector<Tensor> results;
  for (Shape s : g.compute_output_shapes(in_shapes)) {
    s[0] = n;
    results.push_back(Tensor::empty(s.as_vector()));
  }
  const int verbose = k.get_or<Verbosity>("verbose", Verbosity{}).level;
  // Callbacks may read the model (Keras hands them `self`); predict itself changes nothing in it.
  CallbackList cbs = make_callbacks(k, const_cast<Model&>(*this), verbose,
                                    TrainingParams{verbose, 1, static_cast<int>((n + batch_size - 1) / batch_size)});
  Logs logs;
  cbs.each([&](Callback& c) { c.on_predict_begin(logs); });
  for (int64_t start = 0, step = 0; start < n; start += batch_size, ++step) {
    int64_t end = std::min<int64_t>(n, start + batch_size);
    Logs batch_logs;
    cbs.each([&](Callback& c) { c.on_predict_batch_begin(static_cast<int>(step), batch_logs); });
    CallContext ctx;
    for (const auto& t : xs) ctx.inputs.push_back(t.slice(start, end));
    std::vector<Tensor> outs = g.forward(ctx);
    for (size_t i = 0; i < outs.size(); ++i) {
      int64_t row = results[i].size() / std::max<int64_t>(n, 1);
      std::copy(outs[i].data(), outs[i].data() + outs[i].size(), results[i].data() + start * row);
    }
    cbs.each([&](Callback& c) { c.on_predict_batch_end(static_cast<int>(step), batch_logs); });
  }
  cbs.each([&](Callback& c) { c.on_predict_end(logs); });
  return Prediction(std::move(results));
}

namespace {

// predict()'s result from per-batch outputs: each output's batches stacked along the batch axis.
Tensor stack_batches(const std::vector<Tensor>& batches, const std::string& model_name) {
  std::vector<int64_t> shape = batches.at(0).shape().as_vector();
  int64_t rows = 0;
  for (const Tensor& b : batches) {
    std::vector<int64_t> s = b.shape().as_vector();
    if (s.empty() || !std::equal(s.begin() + 1, s.end(), shape.begin() + 1, shape.end()))
      throw ValueError("predict() cannot stack the dataset's batch outputs: one has shape " +
                           to_string(b.shape()) + ", another " + to_string(batches[0].shape()) + ".",
                       {.layer = model_name, .expected = to_string(batches[0].shape()),
                        .received = to_string(b.shape()),
                        .hint = "give every batch the same shape past the batch axis (pad sequences to one length), "
                                "or call predict_on_batch on each batch."});
    rows += s[0];
  }
  shape[0] = rows;
  Tensor out = Tensor::empty(shape);
  float* at = out.data();
  for (const Tensor& b : batches) at = std::copy(b.data(), b.data() + b.size(), at);
  return out;
}

}  // namespace

Prediction Model::predict_with(utils::Dataset& dataset, const kw::Kwargs& k) const {
  detail::StorageCacheScope storage_scope;
  detail::FlushDenormalsScope flush_denormals;
  detail::ForwardOnlyScope forward_only;
  int64_t steps = detail::checked_dataset_size(dataset, graph().name());
  if (const auto given = k.get<int>("steps"); given && *given < steps) steps = std::max(0, *given);
  const int verbose = k.get_or<Verbosity>("verbose", Verbosity{}).level;
  CallbackList cbs = make_callbacks(k, const_cast<Model&>(*this), verbose,
                                    TrainingParams{verbose, 1, static_cast<int>(steps)});
  std::vector<std::vector<Tensor>> per_output;
  Logs logs;
  cbs.each([&](Callback& c) { c.on_predict_begin(logs); });
  for (int64_t step = 0; step < steps; ++step) {
    Logs batch_logs;
    cbs.each([&](Callback& c) { c.on_predict_batch_begin(static_cast<int>(step), batch_logs); });
    CallContext ctx;
    ctx.inputs = prepare_inputs(dataset.get(step).x);
    std::vector<Tensor> outs = graph().forward(ctx);
    per_output.resize(outs.size());
    for (size_t i = 0; i < outs.size(); ++i) per_output[i].push_back(outs[i].copy());
    cbs.each([&](Callback& c) { c.on_predict_batch_end(static_cast<int>(step), batch_logs); });
  }
  dataset.on_epoch_end();  // as Keras's epoch iterator, after a pass cut short by steps too
  cbs.each([&](Callback& c) { c.on_predict_end(logs); });
  std::vector<Tensor> results;
  for (const auto& batches : per_output) results.push_back(stack_batches(batches, graph().name()));
  return Prediction(std::move(results));
}

Prediction Model::predict_on_batch(const Data& x) const {
  detail::FlushDenormalsScope flush_denormals;
  detail::ForwardOnlyScope forward_only;
  std::vector<Tensor> xs = prepare_inputs(x);
  CallContext ctx;
  ctx.inputs = xs;
  return Prediction(graph().forward(ctx));
}

void Model::build(const Shape& input_shape) const {
  graph().check_and_build({input_shape});
}

std::vector<Layer> Model::layers() const {
  std::vector<Layer> out;
  for (const auto& l : graph().layers()) out.emplace_back(l);
  return out;
}

Layer Model::get_layer(const std::string& name) const {
  std::string names;
  for (const auto& l : graph().layers()) {
    if (l->name() == name) return Layer(l);
    names += (names.empty() ? "'" : ", '") + l->name() + "'";
  }
  throw ValueError("No such layer: " + name + ". Existing layers are: [" + names + "].",
                   {.layer = graph().name(), .received = name, .hint = "use one of the names summary() lists."});
}

Layer Model::get_layer(int index) const {
  auto ls = graph().layers();
  if (index < 0 || static_cast<size_t>(index) >= ls.size())
    throw ValueError("Was asked to retrieve layer at index " + std::to_string(index) + " but model only has " +
                     std::to_string(ls.size()) + " layers.", {.layer = graph().name()});
  return Layer(ls[static_cast<size_t>(index)]);
}

std::vector<KerasTensor> Model::inputs() const { return graph().inputs(); }
std::vector<KerasTensor> Model::outputs() const { return graph().outputs(); }

namespace {

std::string py_string_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "'" : ", '") + s + "'";
  return "[" + out + "]";
}

// Keras's get_layer_index_bound_by_layer_name: [first, last + 1) over the rows, where first is the first layer whose
// name matches range[0] at its start (Python's re.match) and last the last matching range[1]; swapped when reversed.
std::pair<size_t, size_t> summary_layer_range(const std::vector<const LayerImpl*>& layers,
                                              const std::vector<std::string>& range, const std::string& model) {
  if (range.size() != 2)
    throw ValueError("layer_range must be a list or tuple of length 2. Received: layer_range = " +
                         py_string_list(range) + " of length " + std::to_string(range.size()),
                     {.layer = model, .expected = "2 names", .received = std::to_string(range.size()) + " names",
                      .hint = "give the first and the last layer to show: layer_range={\"dense\", \"dense_2\"}."});
  auto compiled = [&model](const std::string& pattern) {
    try {
      return std::regex(pattern);
    } catch (const std::regex_error&) {
      throw ValueError("layer_range: '" + pattern + "' is not a valid regular expression.",
                       {.layer = model, .received = pattern, .hint = "give layer names, or valid patterns."});
    }
  };
  const std::regex first = compiled(range[0]), last = compiled(range[1]);
  std::vector<size_t> lower, upper;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (std::regex_search(layers[i]->name(), first, std::regex_constants::match_continuous)) lower.push_back(i);
    if (std::regex_search(layers[i]->name(), last, std::regex_constants::match_continuous)) upper.push_back(i);
  }
  if (lower.empty() || upper.empty()) {
    std::string names;
    for (const LayerImpl* l : layers) names += (names.empty() ? "" : ", ") + l->name();
    throw ValueError("Passed layer_names do not match the layer names in the model. Received: " +
                         py_string_list(range),
                     {.layer = model, .received = py_string_list(range), .hint = "the model's layers: " + names + "."});
  }
  const size_t lo = *std::min_element(lower.begin(), lower.end()), hi = *std::max_element(upper.begin(), upper.end());
  if (lo > hi) return {*std::min_element(upper.begin(), upper.end()), *std::max_element(lower.begin(), lower.end()) + 1};
  return {lo, hi + 1};
}

}  // namespace

std::string Model::summary_string(const kw::Kwargs& k) const {
  FunctionalImpl& g = graph();
  utils::SummaryTable table;
  table.model_name = g.name();
  auto seq = dynamic_cast<SequentialImpl*>(&g);
  table.show_connected_to = !g.sequential_like();
  auto shapes_text = [](const std::vector<Shape>& s) { return s.size() == 1 ? to_string(s[0]) : to_string(s); };
  std::vector<const LayerImpl*> row_layers;  // the layer of each row, in order
  if (seq) {
    for (const auto& l : seq->layers()) {
      utils::SummaryRow row;
      row.layer = l->name() + " (" + l->class_name() + ")";
      auto shapes = seq->layer_output_shapes(l.get());
      row.output_shape = shapes ? shapes_text(*shapes) : "?";
      if (l->built()) row.params = l->count_params();
      table.rows.push_back(row);
      row_layers.push_back(l.get());
    }
  } else {
    for (const auto& l : g.layers()) {
      utils::SummaryRow row;
      row.layer = l->name() + " (" + l->class_name() + ")";
      bool found = false;
      for (const auto& n : g.nodes()) {
        if (n->layer != l) continue;
        if (!found) row.output_shape = shapes_text(n->output_shapes);
        found = true;
        for (size_t i = 0; i < n->inputs.size(); ++i) {
          if (l->implicit_input(*n, i)) continue;
          const KerasTensor& in = n->inputs[i];
          row.connected_to.push_back(in.node()->layer->name() + "[" + std::to_string(in.node()->node_index) + "][" +
                                     std::to_string(in.index()) + "]");
        }
      }
      if (!found) {
        for (const auto& in : g.inputs())
          if (in.node()->layer == l) row.output_shape = to_string(in.shape());
      }
      row.params = l->built() ? l->count_params() : 0;
      if (!l->built()) row.params.reset();
      table.rows.push_back(row);
      row_layers.push_back(l.get());
    }
  }
  std::set<const Variable*> seen;
  for (const auto& v : g.variables()) {
    if (!seen.insert(v.get()).second) continue;
    bool trainable = v->trainable;
    // A frozen layer's weights count as non-trainable.
    for (const auto& l : g.layers())
      for (const auto& lv : l->variables())
        if (lv == v && !l->trainable()) trainable = false;
    (trainable ? table.trainable_params : table.non_trainable_params) += v->value.size();
  }
  if (auto opt = g.training_state()->optimizer; opt && opt->built()) {
    table.optimizer_params = opt->count_params();
    table.optimizer_bytes = opt->memory_size_bytes();
  }
  table.line_length = k.get_or("line_length", 0);
  table.positions = k.get_or<std::vector<double>>("positions", {});
  table.show_trainable = k.get_or("show_trainable", false);
  for (size_t i = 0; i < row_layers.size(); ++i)
    if (!row_layers[i]->variables().empty()) table.rows[i].trainable = row_layers[i]->trainable();
  if (auto range = k.get<std::vector<std::string>>("layer_range")) {
    const auto [first, last] = summary_layer_range(row_layers, *range, g.name());
    table.rows = std::vector<utils::SummaryRow>(table.rows.begin() + static_cast<std::ptrdiff_t>(first),
                                                table.rows.begin() + static_cast<std::ptrdiff_t>(last));
  }
  return utils::render_summary(table);
}

void Model::summary(std::ostream& os) const { os << summary_string(); }

void Model::summary_with(const kw::Kwargs& k) const {
  const std::string text = summary_string(k);
  if (auto print_fn = k.get<std::function<void(const std::string&)>>("print_fn"); print_fn && *print_fn)
    (*print_fn)(text);
  else
    std::cout << text;
}

}  // namespace keras
