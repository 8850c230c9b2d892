// Model::compile, fit, evaluate, train_on_batch: Keras 3's trainer semantics over the Trainer's steps.
#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <optional>
#include <sstream>

#include "keras/callbacks/progbar_logger.hpp"
#include "keras/core/errors.hpp"
#include "keras/random/random.hpp"
#include "keras/utils/dataset.hpp"
#include "core/storage_pool.hpp"
#include "trainers/callback_list.hpp"
#include "trainers/dataset_size.hpp"
#include "trainers/epoch_steps.hpp"
#include "trainers/trainer.hpp"

namespace keras {

StopTrainingFlag& StopTrainingFlag::operator=(bool stop) {
  if (state_) state_->stop_training = stop;
  return *this;
}
StopTrainingFlag::operator bool() const { return state_ && state_->stop_training; }

namespace {

// Keras's output_names: the layers that make the outputs (one unnamed output before the model is built).
std::vector<std::string> output_names(const FunctionalImpl& g) {
  std::vector<std::string> names;
  if (g.has_graph())
    for (const auto& out : g.outputs()) names.push_back(out.producer_name());
  return names;
}

std::string dict_text(const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  std::string s;
  for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + ("'" + keys[i] + "': ") + values[i];
  return "{" + s + "}";
}

std::string loss_text(const LossArg& l) {
  if (l.function) return "<function>";
  return l.object ? "<" + l.object->name() + ">" : "'" + l.name + "'";
}

// A dict argument's entry for each output, in the outputs' order; `what` names the argument in messages.
template <class T>
std::vector<std::optional<T>> by_output_name(const std::vector<std::pair<std::string, T>>& dict,
                                             const FunctionalImpl& g, const std::string& what,
                                             const std::string& received) {
  std::vector<std::string> names = output_names(g);
  if (names.empty() && dict.size() == 1) names = {dict[0].first};  // a model not built yet: its one output
  std::vector<std::optional<T>> out(names.size());
  for (const auto& [key, value] : dict) {
    const auto at = std::find(names.begin(), names.end(), key);
    if (at == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "\"" : ", \"") + n + "\"";
      throw ValueError("In the dict argument `" + what + "`, key '" + key + "' does not correspond to any model "
                       "output. Received:\n" + what + "=" + received,
                       {.layer = g.name(), .received = key,
                        .hint = names.empty() ? "build the model (give its Input) before compiling with a dict"
                                              : "the keys are the names of the layers that make the outputs: " +
                                                    known + "."});
    }
    out[static_cast<size_t>(at - names.begin())] = value;
  }
  return out;
}

std::vector<LossArg> losses_by_output(const LossArg& loss, const FunctionalImpl& g) {
  std::vector<std::string> keys, values;
  for (const auto& [k, v] : loss.by_output) {
    keys.push_back(k);
    values.push_back(loss_text(v));
  }
  const std::string received = dict_text(keys, values);
  const auto entries = by_output_name(loss.by_output, g, "loss", received);
  const std::vector<std::string> names = output_names(g);
  std::vector<LossArg> list;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i])
      throw ValueError("keraspp needs a loss for every output: the dict argument `loss` has no entry for output '" +
                           names[i] + "'. Received:\nloss=" + received,
                       {.layer = g.name(), .received = received,
                        .hint = "add an entry for \"" + names[i] + "\" (Keras would train that output without a "
                                "loss; keraspp does not yet)."});
    list.push_back(*entries[i]);
  }
  return list;
}

std::vector<double> loss_weights_by_output(const LossWeightsArg& w, const FunctionalImpl& g) {
  if (w.by_output.empty()) return w.list;
  std::vector<std::string> keys, values;
  for (const auto& [k, v] : w.by_output) {
    keys.push_back(k);
    std::ostringstream s;
    s << v;
    values.push_back(s.str());
  }
  std::vector<double> out;
  for (const auto& e : by_output_name(w.by_output, g, "loss_weights", dict_text(keys, values)))
    out.push_back(e.value_or(1.0));  // Keras: an output the dict leaves out keeps weight 1
  return out;
}

std::string metric_list_text(const std::vector<MetricArg>& list) {
  std::string s;
  for (const MetricArg& m : list) s += (s.empty() ? "'" : ", '") + (m.object ? m.object->name() : m.name) + "'";
  return "[" + s + "]";
}

// Each output's metrics: the same list for all, the list-of-lists entry, or the dict's entry (none when absent).
// `what` is the argument: "metrics" or "weighted_metrics".
std::vector<std::vector<MetricArg>> metrics_by_output(const MetricsArg& m, const FunctionalImpl& g, size_t n_out,
                                                      const std::string& what) {
  if (!m.by_output.empty()) {
    std::vector<std::string> keys, values;
    for (const auto& [k, v] : m.by_output) {
      keys.push_back(k);
      values.push_back(metric_list_text(v));
    }
    std::vector<std::vector<MetricArg>> out;
    for (const auto& e : by_output_name(m.by_output, g, what, dict_text(keys, values)))
      out.push_back(e.value_or(std::vector<MetricArg>{}));
    return out;
  }
  if (!m.per_output.empty()) {
    if (m.per_output.size() != n_out) {
      std::string listed;
      for (const auto& l : m.per_output) listed += (listed.empty() ? "" : ", ") + metric_list_text(l);
      throw ValueError("For a model with multiple outputs, when providing the `" + what + "` argument as a list, it "
                       "should have as many entries as the model has outputs. Received:\n" + what + "=[" + listed +
                           "]\nof length " + std::to_string(m.per_output.size()) + " whereas the model has " +
                           std::to_string(n_out) + " outputs.",
                       {.layer = g.name(), .expected = std::to_string(n_out) + " lists",
                        .received = std::to_string(m.per_output.size()) + " lists",
                        .hint = "give one list of " + what + " per output, in the order of Model(inputs, outputs), "
                                "or one flat list for all of them."});
    }
    return m.per_output;
  }
  return std::vector<std::vector<MetricArg>>(n_out, m.every_output);
}

}  // namespace

void Model::compile_with(const kw::Kwargs& k) const {
  FunctionalImpl& g = graph();
  auto& state = *g.training_state();
  state.optimizer = optimizers::get(k.get_or<OptimizerArg>("optimizer", "rmsprop"));
  auto loss = k.get<LossArg>("loss");
  if (!loss)
    throw ValueError("No loss to compute. Provide a `loss` argument in `compile()`.",
                     {.layer = g.name(), .hint = "for class labels 0..n-1 use loss=\"sparse_categorical_crossentropy\"; "
                                                 "for regression loss=\"mse\"."});
  size_t n_out = g.has_graph() ? g.outputs().size() : 1;
  if (loss->is_dict()) loss = LossArg(losses_by_output(*loss, g));
  if (loss->is_list()) {
    // Keras's CompileLoss: one loss per output, in order.
    std::string listed;
    for (const LossArg& l : loss->per_output)
      listed += (listed.empty() ? "" : ", ") + loss_text(l);
    listed = "[" + listed + "]";
    if (loss->per_output.size() != n_out)
      throw ValueError("For a model with multiple outputs, when providing the `loss` argument as a list, it should "
                       "have as many entries as the model has outputs. Received:\nloss=" + listed + "\nof length " +
                           std::to_string(loss->per_output.size()) + " whereas the model has " +
                           std::to_string(n_out) + " outputs.",
                       {.layer = g.name(), .expected = std::to_string(n_out) + " losses",
                        .received = std::to_string(loss->per_output.size()) + " losses",
                        .hint = "give one loss per output, in the order of Model(inputs, outputs), or one loss for "
                                "all of them."});
    state.losses.clear();
    for (const LossArg& l : loss->per_output) {
      if (l.is_list() || (l.name.empty() && !l.object && !l.function))
        throw ValueError("For a model with multiple outputs, when providing the `loss` argument as a list, each list "
                         "entry should be a callable (the loss function corresponding to that output). Received: "
                         "loss=" + listed,
                         {.layer = g.name(), .received = listed,
                          .hint = "every entry is one loss (a name or a losses:: object); keraspp needs a loss for "
                                  "every output."});
      state.losses.push_back(losses::get(l));
    }
  } else {
    state.losses.assign(n_out, losses::get(*loss));
  }
  state.loss_weights = loss_weights_by_output(k.get_or<LossWeightsArg>("loss_weights", {}), g);
  if (!state.loss_weights.empty() && state.loss_weights.size() != n_out)
    throw ValueError("`loss_weights` must have one entry per model output: expected " + std::to_string(n_out) +
                         ", received " + std::to_string(state.loss_weights.size()) + ".",
                     {.layer = g.name(), .hint = "give one weight per output, in the order of Model(inputs, outputs)."});
  state.metrics_given = k.get_or<MetricsArg>("metrics", {});
  state.output_metric_args = metrics_by_output(state.metrics_given, g, n_out, "metrics");
  state.weighted_metrics_given = k.get_or<MetricsArg>("weighted_metrics", {});
  state.output_weighted_metric_args = metrics_by_output(state.weighted_metrics_given, g, n_out, "weighted_metrics");
  // Validate metric names now (as Keras does when it builds them), with any shapes; accuracy resolves later.
  for (const auto* lists : {&state.output_metric_args, &state.output_weighted_metric_args})
    for (const auto& list : *lists)
      for (const auto& m : list) metric_types::get(m, Shape{None, 2}, Shape{None, 2});
  state.metrics.clear();
  state.metrics_resolved = false;
  state.compiled = true;
}

std::shared_ptr<optimizers::Optimizer> Model::optimizer() const { return graph().training_state()->optimizer; }
bool Model::compiled() const { return graph().training_state()->compiled; }

namespace {

// A batch of rows from each array: a view when the rows are contiguous, a gathered copy when shuffled.
std::vector<Tensor> rows_of(const std::vector<Tensor>& arrays, const std::vector<int64_t>* order, int64_t begin,
                            int64_t end) {
  std::vector<Tensor> out;
  out.reserve(arrays.size());
  for (const auto& a : arrays) {
    if (!order) out.push_back(a.slice(begin, end));
    else out.push_back(a.take(std::vector<int64_t>(order->begin() + begin, order->begin() + end)));
  }
  return out;
}

Tensor class_weights_to_sample_weights(const Tensor& y, const std::map<int, double>& class_weight) {
  int64_t n = y.ndim() ? y.dim(0) : 0;
  Tensor w = Tensor::empty({n});
  int64_t per = n ? y.size() / n : 0;
  for (int64_t i = 0; i < n; ++i) {
    const float* row = y.data() + i * per;
    int label = 0;
    if (per > 1) label = static_cast<int>(std::max_element(row, row + per) - row);  // one-hot rows
    else label = static_cast<int>(std::lround(row[0]));
    auto it = class_weight.find(label);
    w.data()[i] = it == class_weight.end() ? 1.0f : static_cast<float>(it->second);
  }
  return w;
}

// The running means that fit and evaluate report, over the samples seen: the total loss, and for a model with several
// outputs each output's weighted loss (Keras 3's "<output>_loss"), as Keras's Mean trackers weighted by batch size.
struct LossMeans {
  double total = 0, seen = 0;
  std::vector<double> per_output;
  void add(const Trainer& trainer, double loss, double samples) {
    total += loss * samples;
    seen += samples;
    const std::vector<double>& each = trainer.output_losses();
    per_output.resize(each.size(), 0.0);
    for (size_t i = 0; i < each.size(); ++i) per_output[i] += each[i] * samples;
  }
  void write(Logs& logs, const FunctionalImpl& graph, const std::string& prefix) const {
    logs[prefix + "loss"] = seen ? total / seen : 0.0;
    const std::vector<std::string> names = Trainer::output_loss_names(graph);
    for (size_t i = 0; i < names.size() && i < per_output.size(); ++i)
      logs[prefix + names[i]] = seen ? per_output[i] / seen : 0.0;
  }
};

void reset_metrics(CompiledMetrics& metrics) {
  for (CompiledMetric& c : metrics) c.metric->reset_state();
}

// One batch of a test step, its targets in the outputs' order.
struct TestBatch {
  std::vector<Tensor> x, y;
  Tensor sample_weight;
};

// The batches evaluate() reads, from arrays (batch_size rows at a time) or from a dataset (its own batches).
struct TestSet {
  int64_t steps = 0;
  std::function<TestBatch(int64_t step)> batch;
  utils::Dataset* dataset = nullptr;  // told on_epoch_end after each pass, whole or cut short by steps
};

// max_steps < 0: every batch.
TestSet array_test_set(std::vector<Tensor> x, std::vector<Tensor> y, Tensor w, int batch_size, int64_t max_steps) {
  const int64_t n = x[0].ndim() ? x[0].dim(0) : 0;
  int64_t steps = (n + batch_size - 1) / batch_size;
  if (max_steps >= 0) steps = std::min(steps, max_steps);
  return {steps, [x = std::move(x), y = std::move(y), w = std::move(w), batch_size, n](int64_t step) {
            const int64_t begin = step * batch_size, end = std::min<int64_t>(n, begin + batch_size);
            return TestBatch{rows_of(x, nullptr, begin, end), rows_of(y, nullptr, begin, end),
                             w.defined() ? w.slice(begin, end) : Tensor()};
          }};
}

using PrepareBatch = std::function<TestBatch(const utils::Batch&)>;

TestSet dataset_test_set(utils::Dataset& dataset, int64_t max_steps, PrepareBatch prepare) {
  int64_t steps = detail::checked_dataset_size(dataset, "");
  if (max_steps >= 0) steps = std::min(steps, max_steps);
  return {steps, [&dataset, prepare = std::move(prepare)](int64_t step) { return prepare(dataset.get(step)); },
          &dataset};
}

int64_t batch_samples(const std::vector<Tensor>& x) { return x[0].ndim() ? x[0].dim(0) : 1; }

std::string class_weight_text(const std::map<int, double>& class_weight) {
  std::ostringstream s;
  s << "{";
  for (auto it = class_weight.begin(); it != class_weight.end(); ++it)
    s << (it == class_weight.begin() ? "" : ", ") << it->first << ": " << it->second;
  s << "}";
  return s.str();
}

// class_weight as the sample weights of targets ys, as Keras's: one output only, and never beside sample weights
// (given to fit or returned by a dataset). `on_batch`: train_on_batch's wording of that conflict, else fit's.
Tensor class_weighted(const std::vector<Tensor>& ys, const std::map<int, double>& class_weight,
                      const Tensor* sample_weight, bool on_batch) {
  if (sample_weight) {
    const std::string received =
        "sample_weight=" + to_string(sample_weight->shape()) + ", class_weight=" + class_weight_text(class_weight);
    throw ValueError(on_batch ? "Arguments `sample_weight` and `class_weight` cannot be specified at the same time. "
                                "Received: " + received
                              : "You cannot `class_weight` and `sample_weight` at the same time.",
                     {.received = received,
                      .hint = "multiply the class weights into the sample weights and give only those."});
  }
  if (ys.size() != 1)
    throw ValueError("`class_weight` is only supported for Models with a single output.",
                     {.hint = "give per-sample weights instead (sample_weight=, or from a dataset's get(i))."});
  return class_weights_to_sample_weights(ys[0], class_weight);
}

// The sample weights of n samples with targets ys: sample_weight=, or class_weight= turned into them.
Tensor sample_weights_of(const kw::Kwargs& k, const std::vector<Tensor>& ys, int64_t n, bool on_batch) {
  auto sample_weight = k.get<Tensor>("sample_weight");
  if (auto class_weight = k.get<std::map<int, double>>("class_weight"))
    return class_weighted(ys, *class_weight, sample_weight ? &*sample_weight : nullptr, on_batch);
  if (!sample_weight) return Tensor();
  if (sample_weight->ndim() == 0 || sample_weight->dim(0) != n)
    throw ValueError("Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.'x' "
                     "sizes: " + std::to_string(n) + "\n'sample_weight' sizes: " +
                         std::to_string(sample_weight->ndim() ? sample_weight->dim(0) : 0) + "\n",
                     {.expected = std::to_string(n) + " sample weights",
                      .received = std::to_string(sample_weight->ndim() ? sample_weight->dim(0) : 0),
                      .hint = "give one sample weight per sample."});
  return *sample_weight;
}

int positive(const kw::Kwargs& k, const char* key, int fallback);

int validation_batch_size(const kw::Kwargs& k, int batch_size) {
  return positive(k, "validation_batch_size", batch_size);
}

// fit's validation_data: arrays, batched by validation_batch_size (else fit's batch_size), or a dataset's own
// batches; validation_steps caps either, as Keras's.
TestSet validation_set(const ValidationData& vd, const kw::Kwargs& k, int batch_size, const PrepareBatch& prepare) {
  const int64_t steps = k.get_or("validation_steps", -1);
  if (vd.dataset) return dataset_test_set(*vd.dataset, steps, prepare);
  TestBatch all = prepare(utils::Batch{vd.x, vd.y, vd.sample_weight});
  return array_test_set(std::move(all.x), std::move(all.y), std::move(all.sample_weight),
                        validation_batch_size(k, batch_size), steps);
}

// evaluate()'s loop: on_test_begin, each test batch (its logs are the running values) and on_test_end with the plain
// names ("loss", "accuracy"), which it returns.
Logs test_loop(Trainer& trainer, const FunctionalImpl& graph, CallbackList& cbs, const TestSet& set,
               CompiledMetrics& metrics) {
  LossMeans means;
  Logs logs;
  cbs.each([&](Callback& c) { c.on_test_begin(logs); });
  for (int64_t step = 0; step < set.steps; ++step) {
    Logs batch_logs;
    cbs.each([&](Callback& c) { c.on_test_batch_begin(static_cast<int>(step), batch_logs); });
    const TestBatch b = set.batch(step);
    means.add(trainer, trainer.test_step(b.x, b.y, b.sample_weight, metrics),
              static_cast<double>(batch_samples(b.x)));
    logs.clear();
    means.write(logs, graph, "");
    Trainer::write_metric_logs(logs, metrics, "");
    batch_logs = logs;
    cbs.each([&](Callback& c) { c.on_test_batch_end(static_cast<int>(step), batch_logs); });
  }
  if (set.dataset) set.dataset->on_epoch_end();
  cbs.each([&](Callback& c) { c.on_test_end(logs); });
  return logs;
}

// Keras 3's fit validates by calling evaluate() with its callbacks (on fresh copies of the metrics); the epoch's logs
// get the results as "val_<name>".
void validate(Trainer& trainer, const FunctionalImpl& graph, CallbackList& cbs, const TestSet& set, Logs& epoch_logs) {
  auto metrics = trainer.cloned_metrics();
  for (const auto& [name, value] : test_loop(trainer, graph, cbs, set, metrics)) epoch_logs["val_" + name] = value;
}

// Each dataset batch checked against the model (as fit checks arrays), its targets in the outputs' order.
PrepareBatch checked_batches(Trainer& trainer) {
  return [&trainer](const utils::Batch& b) {
    auto [x, y] = trainer.prepare_batch(b.x, b.y);
    return TestBatch{std::move(x), std::move(y), b.sample_weight};
  };
}

// A dataset carries its own sample weights and validation batches, as Keras's PyDataset.
void refuse_dataset_arguments(const kw::Kwargs& k) {
  if (k.get<Tensor>("sample_weight"))
    throw ValueError("When providing `x` as a PyDataset, `sample_weights` should not be passed. Instead, the sample "
                     "weights should be included as part of the PyDataset.",
                     {.received = "sample_weight=", .hint = "return them from get(i) as Batch{x, y, sample_weight}."});
  if (k.get<double>("validation_split").value_or(0.0) != 0.0)
    throw ValueError("`validation_split` is only supported for Tensors or NumPy arrays. Found following types in the "
                     "input: [utils::Dataset]",
                     {.received = "validation_split=" + std::to_string(*k.get<double>("validation_split")),
                      .hint = "pass validation_data=another_dataset, or split the arrays first with "
                              "utils::split_dataset."});
}

void refuse_return_dict(const kw::Kwargs& k) {
  if (k.get<bool>("return_dict").value_or(false))
    throw ValueError("evaluate(return_dict=true) cannot return a dict in C++: evaluate() returns a std::vector of the "
                     "loss and the metrics.",
                     {.received = "return_dict=true",
                      .hint = "call model.evaluate_dict(x, y) (or evaluate_dict(dataset)) for the values by name."});
}

// evaluate(): the test loop with fresh metric states and the call's callbacks.
std::map<std::string, double> evaluate_set(Model& model, Trainer& trainer, const kw::Kwargs& k, const TestSet& set) {
  auto& state = *model.graph().training_state();
  const int verbose = k.get_or<Verbosity>("verbose", Verbosity{}).level;
  reset_metrics(state.metrics);
  CallbackList cbs = make_callbacks(k, model, verbose, TrainingParams{verbose, 1, static_cast<int>(set.steps)});
  const Logs logs = test_loop(trainer, model.graph(), cbs, set, state.metrics);
  return {logs.begin(), logs.end()};
}

// evaluate()'s list: the loss, then the values in metrics_names() order.
std::vector<double> in_metrics_order(const Model& model, const std::map<std::string, double>& logs) {
  std::vector<double> out{logs.at("loss")};
  for (const auto& name : model.metrics_names())
    if (name != "loss") out.push_back(logs.at(name));
  return out;
}

ValidationFreq validation_freq(const kw::Kwargs& k) {
  const ValidationFreq freq = k.get_or<ValidationFreq>("validation_freq", 1);
  if (!freq.listed && freq.every <= 0)
    throw ValueError("Invalid value for argument `validation_freq`: " + std::to_string(freq.every) +
                         ". Expected a positive integer or a list of epochs.",
                     {.received = std::to_string(freq.every),
                      .hint = "validation_freq=2 validates after every 2nd epoch; validation_freq={1, 5, 10} after "
                              "those epochs (counted from 1)."});
  return freq;
}

int positive(const kw::Kwargs& k, const char* key, int fallback) {
  int v = k.get_or(key, fallback);
  if (v <= 0)
    throw ValueError("Invalid value for argument `" + std::string(key) + "`: " + std::to_string(v) +
                         ". Expected a positive integer.",
                     {.received = std::to_string(v), .hint = std::string(key) + " must be 1 or more."});
  return v;
}

// The epoch a callback's on_train_begin asked fit() to start from (BackupAndRestore), as Keras's
// `self._initial_epoch or initial_epoch`; consumed once.
int resumed_epoch(TrainingState& state, int initial_epoch) {
  const int epoch = state.resume_epoch.value_or(0);
  state.resume_epoch.reset();
  return epoch ? epoch : initial_epoch;
}

}  // namespace

History Model::fit_with(const Data& x, const Data& y, const kw::Kwargs& k) {
  detail::StorageCacheScope storage_scope;
  Trainer trainer(*this);
  std::vector<Tensor> xs = prepare_inputs(x);
  std::vector<Tensor> ys = prepare_targets(y);
  auto& state = *graph().training_state();
  const PrepareBatch prepare = checked_batches(trainer);
  const int batch_size = positive(k, "batch_size", 32);
  const int epochs = k.get_or("epochs", 1);
  const int verbose = k.get_or<Verbosity>("verbose", Verbosity{}).level;
  const bool shuffle = k.get_or("shuffle", true);
  int initial_epoch = k.get_or("initial_epoch", 0);
  const double split = k.get_or("validation_split", 0.0);
  if (split < 0.0 || split >= 1.0)
    throw ValueError("`validation_split` must be a float in [0, 1). Received: validation_split=" + std::to_string(split),
                     {.received = std::to_string(split), .hint = "use e.g. validation_split=0.1 for 10% validation."});
  trainer.prepare(xs, ys);
  int64_t n = xs[0].ndim() ? xs[0].dim(0) : 0;
  Tensor sample_weight = sample_weights_of(k, ys, n, false);

  // validation_split takes the last samples, before any shuffling, as Keras does.
  std::optional<TestSet> val;
  int64_t n_train = n;
  if (auto vd = k.get<ValidationData>("validation_data")) {
    val = validation_set(*vd, k, batch_size, prepare);
  } else if (split > 0.0) {
    n_train = static_cast<int64_t>(std::floor(static_cast<double>(n) * (1.0 - split)));
    std::vector<Tensor> vx, vy;
    for (auto& t : xs) vx.push_back(t.slice(n_train, n));
    for (auto& t : ys) vy.push_back(t.slice(n_train, n));
    Tensor vw = sample_weight.defined() ? sample_weight.slice(n_train, n) : Tensor();
    for (auto& t : xs) t = t.slice(0, n_train);
    for (auto& t : ys) t = t.slice(0, n_train);
    if (sample_weight.defined()) sample_weight = sample_weight.slice(0, n_train);
    val = array_test_set(std::move(vx), std::move(vy), std::move(vw), validation_batch_size(k, batch_size),
                         k.get_or("validation_steps", -1));
  }
  const int64_t steps_in_data = (n_train + batch_size - 1) / batch_size;
  detail::EpochSteps passes(steps_in_data, k.get<int>("steps_per_epoch"), shuffle, n_train);
  const int64_t steps = passes.steps();
  const ValidationFreq val_freq = validation_freq(k);

  History history;
  history.params = TrainingParams{verbose, epochs, static_cast<int>(steps)};
  CallbackList cbs = make_callbacks(k, *this, verbose, history.params);
  state.stop_training = false;
  state.resume_epoch.reset();
  Logs logs;
  cbs.each([&](Callback& c) { c.on_train_begin(logs); });
  initial_epoch = resumed_epoch(state, initial_epoch);
  for (int epoch = initial_epoch; epoch < epochs; ++epoch) {
    reset_metrics(state.metrics);
    logs.clear();
    cbs.each([&](Callback& c) { c.on_epoch_begin(epoch, logs); });
    passes.begin_epoch();
    LossMeans means;
    for (int64_t step = 0; step < steps; ++step) {
      const std::optional<int64_t> batch = passes.next();
      if (!batch) break;
      const int64_t begin = *batch * batch_size, end = std::min<int64_t>(n_train, begin + batch_size);
      const std::vector<int64_t>* ord = passes.order();
      std::vector<Tensor> xb = rows_of(xs, ord, begin, end), yb = rows_of(ys, ord, begin, end);
      Tensor wb = sample_weight.defined() ? rows_of({sample_weight}, ord, begin, end)[0] : Tensor();
      Logs batch_logs;
      cbs.each([&](Callback& c) { c.on_train_batch_begin(static_cast<int>(step), batch_logs); });
      means.add(trainer, trainer.train_step(xb, yb, wb), static_cast<double>(end - begin));
      logs.clear();
      means.write(logs, graph(), "");
      Trainer::write_metric_logs(logs, state.metrics, "");
      batch_logs = logs;
      cbs.each([&](Callback& c) { c.on_train_batch_end(static_cast<int>(step), batch_logs); });
      if (state.stop_training) break;
    }
    passes.end_epoch();
    if (val && val_freq.validates_after(epoch)) validate(trainer, graph(), cbs, *val, logs);
    cbs.each([&](Callback& c) { c.on_epoch_end(epoch, logs); });
    history.epoch.push_back(epoch);
    for (const auto& [key, value] : logs) history.history[key].push_back(value);
    if (state.stop_training) break;
  }
  if (state.optimizer->use_ema()) state.optimizer->finalize_variable_values(graph().trainable_variables());
  cbs.each([&](Callback& c) { c.on_train_end(logs); });
  return history;
}

History Model::fit_with(utils::Dataset& dataset, const kw::Kwargs& k) {
  detail::StorageCacheScope storage_scope;
  Trainer trainer(*this);
  auto& state = *graph().training_state();
  const PrepareBatch prepare = checked_batches(trainer);
  const int epochs = k.get_or("epochs", 1);
  const int verbose = k.get_or<Verbosity>("verbose", Verbosity{}).level;
  const bool shuffle = k.get_or("shuffle", true) && !dataset.orders_itself();
  int initial_epoch = k.get_or("initial_epoch", 0);
  refuse_dataset_arguments(k);
  const auto class_weight = k.get<std::map<int, double>>("class_weight");
  const int64_t batches = detail::checked_dataset_size(dataset, graph().name());
  detail::EpochSteps passes(batches, k.get<int>("steps_per_epoch"), shuffle, batches);
  const int64_t steps = passes.steps();
  std::optional<TestSet> val;
  if (auto vd = k.get<ValidationData>("validation_data")) val = validation_set(*vd, k, 32, prepare);
  const ValidationFreq val_freq = validation_freq(k);
  History history;
  history.params = TrainingParams{verbose, epochs, static_cast<int>(steps)};
  CallbackList cbs = make_callbacks(k, *this, verbose, history.params);
  state.stop_training = false;
  state.resume_epoch.reset();
  Logs logs;
  cbs.each([&](Callback& c) { c.on_train_begin(logs); });
  initial_epoch = resumed_epoch(state, initial_epoch);
  for (int epoch = initial_epoch; epoch < epochs; ++epoch) {
    reset_metrics(state.metrics);
    logs.clear();
    cbs.each([&](Callback& c) { c.on_epoch_begin(epoch, logs); });
    passes.begin_epoch();
    LossMeans means;
    for (int64_t step = 0; step < steps; ++step) {
      const std::optional<int64_t> batch = passes.next();
      if (!batch) break;
      const std::vector<int64_t>* order = passes.order();
      TestBatch b = prepare(dataset.get(order ? (*order)[static_cast<size_t>(*batch)] : *batch));
      if (class_weight)
        b.sample_weight = class_weighted(b.y, *class_weight, b.sample_weight.defined() ? &b.sample_weight : nullptr,
                                         false);
      Logs batch_logs;
      cbs.each([&](Callback& c) { c.on_train_batch_begin(static_cast<int>(step), batch_logs); });
      means.add(trainer, trainer.train_step(b.x, b.y, b.sample_weight), static_cast<double>(batch_samples(b.x)));
      logs.clear();
      means.write(logs, graph(), "");
      Trainer::write_metric_logs(logs, state.metrics, "");
      batch_logs = logs;
      cbs.each([&](Callback& c) { c.on_train_batch_end(static_cast<int>(step), batch_logs); });
      if (state.stop_training) break;
    }
    passes.end_epoch();
    dataset.on_epoch_end();
    if (val && val_freq.validates_after(epoch)) validate(trainer, graph(), cbs, *val, logs);
    cbs.each([&](Callback& c) { c.on_epoch_end(epoch, logs); });
    history.epoch.push_back(epoch);
    for (const auto& [key, value] : logs) history.history[key].push_back(value);
    if (state.stop_training) break;
  }
  if (state.optimizer->use_ema()) state.optimizer->finalize_variable_values(graph().trainable_variables());
  cbs.each([&](Callback& c) { c.on_train_end(logs); });
  return history;
}

std::map<std::string, double> Model::evaluate_dict(const Data& x, const Data& y, const kw::Kwargs& k) {
  detail::StorageCacheScope storage_scope;
  Trainer trainer(*this);
  std::vector<Tensor> xs = prepare_inputs(x);
  std::vector<Tensor> ys = prepare_targets(y);
  trainer.prepare(xs, ys);
  const int batch_size = positive(k, "batch_size", 32);
  Tensor w = sample_weights_of(k, ys, batch_samples(xs), false);
  return evaluate_set(*this, trainer, k,
                      array_test_set(std::move(xs), std::move(ys), w, batch_size, k.get_or("steps", -1)));
}

std::map<std::string, double> Model::evaluate_dict(utils::Dataset& dataset, const kw::Kwargs& k) {
  detail::StorageCacheScope storage_scope;
  Trainer trainer(*this);
  refuse_dataset_arguments(k);
  return evaluate_set(*this, trainer, k, dataset_test_set(dataset, k.get_or("steps", -1), checked_batches(trainer)));
}

std::vector<double> Model::evaluate_with(const Data& x, const Data& y, const kw::Kwargs& k) {
  refuse_return_dict(k);
  return in_metrics_order(*this, evaluate_dict(x, y, k));
}

std::vector<double> Model::evaluate_with(utils::Dataset& dataset, const kw::Kwargs& k) {
  refuse_return_dict(k);
  return in_metrics_order(*this, evaluate_dict(dataset, k));
}

// Keras's Trainer._should_eval: the epoch counted from 1, whatever initial_epoch is.
bool ValidationFreq::validates_after(int epoch) const {
  const int one_based = epoch + 1;
  if (listed) return std::find(epochs.begin(), epochs.end(), one_based) != epochs.end();
  return one_based % every == 0;
}

std::vector<std::string> Model::metrics_names() const {
  std::vector<std::string> names{"loss"};
  auto& state = *graph().training_state();
  if (!state.compiled) return names;
  for (const CompiledMetric& c : state.metrics) names.push_back(c.name);
  // Keras 3's order: the loss, the compiled metrics, then each output's loss.
  for (const std::string& name : Trainer::output_loss_names(graph())) names.push_back(name);
  return names;
}

namespace {

// train_on_batch / test_on_batch: one checked batch, its sample weights, and the metrics reset, so that the results
// are this batch's alone (as Keras since keras-team/keras#22617).
TestBatch one_batch(const Model& model, Trainer& trainer, std::vector<Tensor> x, std::vector<Tensor> y,
                   const kw::Kwargs& k) {
  TestBatch b{std::move(x), std::move(y), {}};
  trainer.prepare(b.x, b.y);
  b.sample_weight = sample_weights_of(k, b.y, batch_samples(b.x), true);
  reset_metrics(model.graph().training_state()->metrics);
  return b;
}

// The batch's loss and metrics, in metrics_names() order.
std::vector<double> batch_results(const Model& model, const Trainer& trainer, double loss) {
  std::vector<double> out{loss};
  for (const CompiledMetric& c : model.graph().training_state()->metrics) out.push_back(c.metric->result());
  if (!Trainer::output_loss_names(model.graph()).empty())
    out.insert(out.end(), trainer.output_losses().begin(), trainer.output_losses().end());
  return out;
}

}  // namespace

std::vector<double> Model::train_on_batch_with(const Data& x, const Data& y, const kw::Kwargs& k) {
  Trainer trainer(*this);
  const TestBatch b = one_batch(*this, trainer, prepare_inputs(x), prepare_targets(y), k);
  return batch_results(*this, trainer, trainer.train_step(b.x, b.y, b.sample_weight));
}

std::vector<double> Model::test_on_batch_with(const Data& x, const Data& y, const kw::Kwargs& k) {
  Trainer trainer(*this);
  const TestBatch b = one_batch(*this, trainer, prepare_inputs(x), prepare_targets(y), k);
  return batch_results(*this, trainer, trainer.test_step(b.x, b.y, b.sample_weight, graph().training_state()->metrics));
}

}  // namespace keras
