#include "saving/model_config.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <typeindex>

#include "activations/keras2_names.hpp"
#include "keras/layers/core/input_layer.hpp"
#include "keras/losses/losses.hpp"
#include "keras/metrics/metrics.hpp"
#include "keras/models/sequential.hpp"
#include "keras/optimizers/optimizers.hpp"
#include "models/sequential_impl.hpp"
#include "saving/layer_specs.hpp"
#include "trainers/training_state.hpp"

namespace keras::saving::detail {

namespace {

constexpr int kMaxJsonDepth = 64;
constexpr int kMaxModelNesting = 16;
constexpr size_t kMaxLayers = 100000;

bool is_sequential(const FunctionalImpl& m) { return dynamic_cast<const SequentialImpl*>(&m) != nullptr; }
bool is_functional_class(const LayerImpl& l) { return l.is_model() && l.class_name() == "Functional"; }

// Rewraps a ValueError raised while rebuilding (a layer constructor, a call) with the source.
[[noreturn]] void rethrow(const ValueError& e, const Context& ctx) {
  fail(ctx, e.message(), {.layer = e.layer(), .expected = e.expected(), .received = e.received(), .hint = e.hint()});
}

// The input shapes of the first call of `layer` inside `model`, if it is called there.
std::optional<std::vector<Shape>> build_shapes_in(const FunctionalImpl& model, const LayerImpl* layer) {
  if (!model.has_graph()) return std::nullopt;
  for (const auto& n : model.nodes())
    if (n->layer.get() == layer) {
      std::vector<Shape> shapes;
      for (const auto& t : n->inputs) shapes.push_back(t.shape());
      return shapes;
    }
  return std::nullopt;
}

Json layer_entry(const FunctionalImpl& model, const std::shared_ptr<LayerImpl>& layer) {
  if (layer->is_model()) return model_to_json(static_cast<const FunctionalImpl&>(*layer), false);
  return layer_envelope(*layer, build_shapes_in(model, layer.get()));
}

// ---------------------------------------------------------------------------------------------------------------
// compile_config

struct LossClass {
  const char* class_name;
  std::function<bool(const losses::Loss*)> is;
  std::function<std::shared_ptr<const losses::Loss>(const kw::Kwargs&)> make;
};

const std::vector<LossClass>& loss_classes() {
#define KERASPP_LOSS(C)                                                                        \
  LossClass {                                                                                  \
    #C, [](const losses::Loss* l) { return dynamic_cast<const losses::C*>(l) != nullptr; },    \
        [](const kw::Kwargs& k) -> std::shared_ptr<const losses::Loss> { return std::make_shared<losses::C>(k); } \
  }
  static const std::vector<LossClass> table = {
      KERASPP_LOSS(MeanSquaredError),       KERASPP_LOSS(MeanAbsoluteError),
      KERASPP_LOSS(MeanAbsolutePercentageError), KERASPP_LOSS(MeanSquaredLogarithmicError),
      KERASPP_LOSS(BinaryCrossentropy),     KERASPP_LOSS(BinaryFocalCrossentropy),
      KERASPP_LOSS(CategoricalCrossentropy), KERASPP_LOSS(SparseCategoricalCrossentropy),
      KERASPP_LOSS(Huber),                  KERASPP_LOSS(Hinge),
      KERASPP_LOSS(SquaredHinge),           KERASPP_LOSS(CategoricalHinge),
      KERASPP_LOSS(KLDivergence),           KERASPP_LOSS(Poisson),
      KERASPP_LOSS(LogCosh),                KERASPP_LOSS(CosineSimilarity),
      KERASPP_LOSS(CategoricalFocalCrossentropy), KERASPP_LOSS(Dice),
      KERASPP_LOSS(Tversky),                KERASPP_LOSS(CTC),
  };
#undef KERASPP_LOSS
  return table;
}

// The built-in metric classes, matched by exact type (a user's subclass is written by its name, as before).
struct MetricClass {
  const char* class_name;
  std::type_index type;
  std::function<std::shared_ptr<metric_types::Metric>(const kw::Kwargs&)> make;
};

const std::vector<MetricClass>& metric_classes() {
#define KERASPP_METRIC(C)                                                          \
  MetricClass {                                                                    \
    #C, typeid(metric_types::C), [](const kw::Kwargs& k) -> std::shared_ptr<metric_types::Metric> { \
      return std::make_shared<metric_types::C>(k);                                 \
    }                                                                              \
  }
  static const std::vector<MetricClass> table = {
      KERASPP_METRIC(Mean), KERASPP_METRIC(Sum), KERASPP_METRIC(Accuracy), KERASPP_METRIC(BinaryAccuracy),
      KERASPP_METRIC(CategoricalAccuracy), KERASPP_METRIC(SparseCategoricalAccuracy),
      KERASPP_METRIC(TopKCategoricalAccuracy), KERASPP_METRIC(SparseTopKCategoricalAccuracy),
      KERASPP_METRIC(MeanSquaredError), KERASPP_METRIC(MeanAbsoluteError), KERASPP_METRIC(MeanAbsolutePercentageError),
      KERASPP_METRIC(MeanSquaredLogarithmicError), KERASPP_METRIC(RootMeanSquaredError),
      KERASPP_METRIC(CosineSimilarity), KERASPP_METRIC(LogCoshError), KERASPP_METRIC(R2Score),
      KERASPP_METRIC(PearsonCorrelation), KERASPP_METRIC(ConcordanceCorrelation),
      KERASPP_METRIC(BinaryCrossentropy), KERASPP_METRIC(CategoricalCrossentropy),
      KERASPP_METRIC(SparseCategoricalCrossentropy), KERASPP_METRIC(KLDivergence), KERASPP_METRIC(Poisson),
      KERASPP_METRIC(Hinge), KERASPP_METRIC(SquaredHinge), KERASPP_METRIC(CategoricalHinge),
      KERASPP_METRIC(TruePositives), KERASPP_METRIC(FalsePositives), KERASPP_METRIC(TrueNegatives),
      KERASPP_METRIC(FalseNegatives), KERASPP_METRIC(Precision), KERASPP_METRIC(Recall), KERASPP_METRIC(AUC),
      KERASPP_METRIC(FBetaScore), KERASPP_METRIC(F1Score), KERASPP_METRIC(SensitivityAtSpecificity),
      KERASPP_METRIC(SpecificityAtSensitivity), KERASPP_METRIC(PrecisionAtRecall), KERASPP_METRIC(RecallAtPrecision),
      KERASPP_METRIC(IoU), KERASPP_METRIC(BinaryIoU),
      KERASPP_METRIC(MeanIoU), KERASPP_METRIC(OneHotIoU), KERASPP_METRIC(OneHotMeanIoU),
  };
#undef KERASPP_METRIC
  return table;
}

// A metric object as Keras's serialize_keras_object writes it; a name for metrics given by name or of other classes.
Json metric_json(const MetricArg& m) {
  if (!m.object) return m.name;
  const metric_types::Metric& metric = *m.object;
  for (const MetricClass& c : metric_classes())
    if (std::type_index(typeid(metric)) == c.type)
      return envelope("keras.metrics", c.class_name, kwargs_to_json(metric.get_config()));
  return metric.name();
}

using OptimizerFactory = std::function<std::shared_ptr<optimizers::Optimizer>(const kw::Kwargs&)>;
const std::map<std::string, OptimizerFactory>& optimizer_classes() {
#define KERASPP_OPT(C) {#C, [](const kw::Kwargs& k) -> std::shared_ptr<optimizers::Optimizer> { return std::make_shared<optimizers::C>(k); }}
  static const std::map<std::string, OptimizerFactory> table = {
      KERASPP_OPT(Adam),    KERASPP_OPT(AdamW),  KERASPP_OPT(SGD),   KERASPP_OPT(RMSprop), KERASPP_OPT(Adagrad),
      KERASPP_OPT(Adadelta), KERASPP_OPT(Adamax), KERASPP_OPT(Nadam), KERASPP_OPT(Lion),
      KERASPP_OPT(Lamb),      KERASPP_OPT(Ftrl),    KERASPP_OPT(Adafactor),
  };
#undef KERASPP_OPT
  return table;
}

Json loss_json(const std::shared_ptr<const losses::Loss>& loss) {
  kw::Kwargs cfg = loss->get_config();
  for (const LossClass& c : loss_classes()) {
    if (!c.is(loss.get())) continue;
    // A loss made from its name with Keras's defaults is written as that name, as Keras writes compile("mse").
    bool plain = true;
    for (const std::string& key : cfg.keys())
      if (key != "name" && key != "reduction" && !cfg.is_none(key)) plain = false;
    if (cfg.get_or<std::string>("reduction", "sum_over_batch_size") != "sum_over_batch_size") plain = false;
    if (plain) {
      try {
        auto resolved = losses::get(LossArg(loss->name()));
        if (resolved && c.is(resolved.get())) return loss->name();
      } catch (const ValueError&) {
      }
    }
    return envelope("keras.losses", c.class_name, kwargs_to_json(cfg));
  }
  return loss->name();
}

// Keras writes metrics as compile() got them: a list, a list per output, or a dict by output name (null for none).
Json metrics_json(const MetricsArg& given) {
  auto names = [](const std::vector<MetricArg>& list) {
    Json out = Json::array();
    for (const MetricArg& m : list) out.push_back(metric_json(m));
    return out;
  };
  if (!given.by_output.empty()) {
    Json metrics = Json::object();
    for (const auto& [output, list] : given.by_output) metrics[output] = names(list);
    return metrics;
  }
  if (!given.per_output.empty()) {
    Json metrics = Json::array();
    for (const auto& list : given.per_output) metrics.push_back(names(list));
    return metrics;
  }
  if (given.every_output.empty()) return nullptr;
  return names(given.every_output);
}

}  // namespace

Json compile_config_json(const FunctionalImpl& model) {
  const auto& state = model.training_state();
  if (!state || !state->compiled || !state->optimizer) return nullptr;
  Json c = Json::object();
  const auto& opt = *state->optimizer;
  c["optimizer"] = envelope("keras.optimizers", opt.class_name(), kwargs_to_json(opt.get_config()));
  if (state->losses.empty()) {
    c["loss"] = nullptr;
  } else {
    bool same = std::all_of(state->losses.begin(), state->losses.end(),
                            [&](const auto& l) { return l == state->losses[0]; });
    if (same) {
      c["loss"] = loss_json(state->losses[0]);
    } else {
      Json list = Json::array();
      for (const auto& l : state->losses) list.push_back(loss_json(l));
      c["loss"] = std::move(list);
    }
  }
  if (state->loss_weights.empty()) c["loss_weights"] = nullptr;
  else c["loss_weights"] = state->loss_weights;
  c["metrics"] = metrics_json(state->metrics_given);
  c["weighted_metrics"] = metrics_json(state->weighted_metrics_given);
  c["run_eagerly"] = false;
  c["steps_per_execution"] = 1;
  c["jit_compile"] = false;
  return c;
}

namespace {

[[noreturn]] void compile_fail(const Context& ctx, const std::string& message, const std::string& received) {
  fail(ctx, message, {.received = received,
                      .hint = "load with keras::saving::load_model(path, /*compile=*/false) and call compile() "
                              "yourself."});
}

std::shared_ptr<optimizers::Optimizer> optimizer_from_json(const Json& j, const Context& ctx, const std::string& what) {
  if (j.is_string()) return optimizers::get(OptimizerArg(j.get<std::string>()));
  if (!j.is_object()) compile_fail(ctx, "Unsupported optimizer in " + what + ": " + describe(j) + ".", describe(j));
  const std::string cls = object_class_name(j, "the " + what + "'s optimizer", ctx);
  auto it = optimizer_classes().find(cls);
  if (it == optimizer_classes().end())
    compile_fail(ctx, "Could not interpret optimizer identifier: '" + cls + "' (" + what + ").", cls);
  kw::Kwargs k;
  if (const Json* config = find_member(j, "config"); config && !config->is_null()) {
    require_object(*config, "the optimizer's config", ctx);
    // Keras keys keraspp's optimizers lack: accepted at their "off" value only.
    static const std::set<std::string> off_keys = {"ema_overwrite_frequency", "loss_scale_factor",
                                                   "gradient_accumulation_steps", "is_legacy_optimizer", "jit_compile",
                                                   "decay"};
    for (auto m = config->begin(); m != config->end(); ++m) {
      if (off_keys.count(m.key())) {
        const Json& v = m.value();
        if (v.is_null() || (v.is_boolean() && !v.get<bool>()) || (m.key() == "decay" && v.is_number() && v == 0))
          continue;
        compile_fail(ctx, "keraspp's optimizers do not support " + m.key() + "=" + v.dump() + " (" + what + ").",
                     m.key());
      }
      k.set(m.key(), decode_value(m.key(), m.value(), "optimizer " + cls, ctx));
    }
  }
  try {
    return it->second(k);
  } catch (const ValueError& e) {
    rethrow(e, ctx);
  }
}

// The keyword arguments of a serialized loss or metric: its config, dtype checked, and the arguments Keras writes as
// None that keraspp does not take (AUC's label_weights) left out; any other unknown argument is refused.
kw::Kwargs object_kwargs(const Json& j, const std::string& owner, const Context& ctx) {
  kw::Kwargs k;
  const Json* config = find_member(j, "config");
  if (!config || config->is_null()) return k;
  require_object(*config, "the config of " + owner, ctx);
  for (auto m = config->begin(); m != config->end(); ++m) {
    if (m.key() == "dtype") {
      check_float32_dtype(m.value(), owner, ctx);
      continue;
    }
    if (m.value().is_null() && !is_keyword(m.key())) continue;
    k.set(m.key(), decode_value(m.key(), m.value(), owner, ctx));
  }
  return k;
}

std::shared_ptr<const losses::Loss> loss_from_json(const Json& j, const Context& ctx, const std::string& what) {
  if (j.is_string()) {
    try {
      return losses::get(LossArg(j.get<std::string>()));
    } catch (const ValueError& e) {
      compile_fail(ctx, e.message() + " (" + what + "'s loss)", j.get<std::string>());
    }
  }
  if (!j.is_object()) compile_fail(ctx, "Unsupported loss in " + what + ": " + describe(j) + ".", describe(j));
  const std::string cls = object_class_name(j, "the " + what + "'s loss", ctx);
  for (const LossClass& c : loss_classes()) {
    if (cls != c.class_name) continue;
    const kw::Kwargs k = object_kwargs(j, "loss " + cls, ctx);
    try {
      return c.make(k);
    } catch (const ValueError& e) {
      rethrow(e, ctx);
    }
  }
  compile_fail(ctx, "Unknown loss class '" + cls + "' in " + what + ".", cls);
}

// A metric written as {"class_name": ..., "config": {...}} (Keras 3's serialize_keras_object, Keras 2's dicts).
MetricArg metric_from_json(const Json& j, const Context& ctx, const std::string& what) {
  const std::string cls = object_class_name(j, "the " + what + "'s metric", ctx);
  for (const MetricClass& c : metric_classes()) {
    if (cls != c.class_name) continue;
    const kw::Kwargs k = object_kwargs(j, "metric " + cls, ctx);
    try {
      MetricArg arg;
      arg.object = c.make(k);
      return arg;
    } catch (const ValueError& e) {
      rethrow(e, ctx);
    }
  }
  compile_fail(ctx, "Unknown metric class '" + cls + "' in " + what + ": keraspp restores the metrics of keras.metrics.",
               cls);
}

}  // namespace

void compile_from_config(const Model& model, const Json& cc, const Context& ctx, const std::string& what) {
  require_object(cc, what, ctx);
  kw::Kwargs k;
  static const std::set<std::string> ignored = {"run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss"};
  for (auto m = cc.begin(); m != cc.end(); ++m) {
    const std::string& key = m.key();
    const Json& v = m.value();
    if (ignored.count(key)) continue;
    if (key == "optimizer") {
      if (!v.is_null()) k.set("optimizer", OptimizerArg(optimizer_from_json(v, ctx, what)));
    } else if (key == "loss") {
      if (v.is_null() || (v.is_array() && v.empty())) continue;
      auto one = [&](const Json& j) {
        LossArg arg;
        arg.object = std::const_pointer_cast<losses::Loss>(loss_from_json(j, ctx, what));
        return arg;
      };
      if (v.is_object() && !find_member(v, "class_name")) {  // Keras's dict by output name
        std::map<std::string, LossArg> by_output;
        for (auto e = v.begin(); e != v.end(); ++e) by_output[e.key()] = one(e.value());
        k.set("loss", LossArg(by_output));
        continue;
      }
      if (!v.is_array()) {
        k.set("loss", one(v));
        continue;
      }
      std::vector<LossArg> per_output;  // Keras's loss=[...]: one per output
      for (const Json& e : v) per_output.push_back(one(e));
      k.set("loss", LossArg(std::move(per_output)));
    } else if (key == "metrics" || key == "weighted_metrics") {
      if (v.is_null()) continue;
      // One metric name, or a list of them (a single name stands for a list of one, as Keras 2 wrote per output).
      auto list = [&](const Json& j) {
        std::vector<MetricArg> metrics;
        for (const Json& e : j.is_array() ? j : Json::array({j})) {
          if (e.is_object()) {
            metrics.push_back(metric_from_json(e, ctx, what));
            continue;
          }
          if (!e.is_string())
            compile_fail(ctx, "Unsupported metric in " + what + ": " + describe(e) + ".", describe(e));
          metrics.emplace_back(e.get<std::string>());
        }
        return metrics;
      };
      if (v.is_object()) {  // by output name
        std::map<std::string, std::vector<MetricArg>> by_output;
        for (auto e = v.begin(); e != v.end(); ++e) by_output[e.key()] = list(e.value());
        k.set(key, MetricsArg(by_output));
      } else if (!v.is_array()) {
        compile_fail(ctx, "Unsupported " + key + " in " + what + ": " + describe(v) + ".", key);
      } else if (!v.empty() && std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_array(); })) {
        std::vector<std::vector<MetricArg>> per_output;  // one list per output
        for (const Json& e : v) per_output.push_back(list(e));
        k.set(key, MetricsArg(per_output));
      } else {
        k.set(key, MetricsArg(list(v)));
      }
    } else if (key == "loss_weights") {
      if (v.is_null()) continue;
      if (v.is_object()) {  // by output name
        std::map<std::string, double> by_output;
        for (auto e = v.begin(); e != v.end(); ++e) {
          if (!e.value().is_number())
            compile_fail(ctx, "Unsupported loss_weights entry in " + what + ": " + describe(e.value()) + ".",
                         "loss_weights");
          by_output[e.key()] = e.value().get<double>();
        }
        k.set("loss_weights", LossWeightsArg(by_output));
      } else {
        const std::any list = decode_value("values", v, what + "'s loss_weights", ctx);
        k.set("loss_weights", LossWeightsArg(std::any_cast<std::vector<double>>(list)));
      }
    } else {
      compile_fail(ctx, "Unsupported " + what + " entry '" + key + "'.", key);
    }
  }
  try {
    model.compile_with(k);
  } catch (const ValueError& e) {
    rethrow(e, ctx);
  }
}

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Functional

struct Created {
  std::string name;
  Layer layer;
  bool functional = false;  // a nested Functional model: Keras numbers its calls from 1
  std::vector<const Json*> pending;
  std::vector<std::vector<KerasTensor>> outputs;  // per processed call
};

struct Graph {
  std::vector<Created> layers;
  std::map<std::string, size_t> index;
};

// keras_history [layer, node_index, tensor_index] -> the tensor, or nullopt when that call is not processed yet.
std::optional<KerasTensor> resolve(const Json& ref, Graph& g, const Context& ctx) {
  if (!ref.is_array() || ref.size() < 3 || !ref[0].is_string() || !ref[1].is_number_integer() ||
      !ref[2].is_number_integer())
    fail(ctx, "Invalid tensor reference in the model graph: " + describe(ref) + ".",
         {.expected = "[layer_name, node_index, tensor_index]"});
  const std::string name = ref[0].get<std::string>();
  auto it = g.index.find(name);
  if (it == g.index.end()) fail(ctx, "Unknown layer: " + name + " (referenced in the model graph).", {.received = name});
  Created& c = g.layers[it->second];
  int64_t node = ref[1].get<int64_t>();
  const int64_t tensor = ref[2].get<int64_t>();
  if (c.functional) --node;
  if (node < 0 || tensor < 0)
    fail(ctx, "Invalid tensor reference " + ref.dump() + " in the model graph.", {.received = ref.dump()});
  if (static_cast<size_t>(node) >= c.outputs.size()) {
    if (static_cast<size_t>(node) >= c.outputs.size() + c.pending.size())
      fail(ctx, "The model graph refers to call " + std::to_string(node) + " of layer '" + name +
                    "', which the config does not have.", {.received = ref.dump()});
    return std::nullopt;
  }
  const auto& outs = c.outputs[static_cast<size_t>(node)];
  if (static_cast<size_t>(tensor) >= outs.size())
    fail(ctx, "The model graph refers to output " + std::to_string(tensor) + " of layer '" + name + "', which has " +
                  std::to_string(outs.size()) + ".", {.received = ref.dump()});
  return outs[static_cast<size_t>(tensor)];
}

// The tensor references of one call, in order (Keras 3 {"args", "kwargs"} nodes and Keras 2 lists).
void collect_refs(const Json& j, std::vector<const Json*>& refs, int depth, const Context& ctx) {
  if (depth > 16) fail(ctx, "A node of the model graph is nested too deeply.");
  if (j.is_array()) {
    for (const Json& e : j) collect_refs(e, refs, depth + 1, ctx);
    return;
  }
  if (j.is_object()) {
    const Json* cls = find_member(j, "class_name");
    const Json* config = find_member(j, "config");
    if (cls && cls->is_string() && cls->get<std::string>() == "__keras_tensor__" && config && config->is_object()) {
      const Json* history = find_member(*config, "keras_history");
      if (!history) fail(ctx, "A tensor in the model graph has no keras_history.");
      refs.push_back(history);
      return;
    }
  }
  fail(ctx, "keraspp cannot rebuild a layer call with the argument " + describe(j) + ".",
       {.received = describe(j), .hint = "only calls on tensors (and lists of tensors) can be loaded."});
}

// One call of the model graph: its tensor references in the order the layer takes its inputs, and its flags.
struct NodeCall {
  std::vector<const Json*> refs;
  CallFlags flags;
};

// A keyword argument that is a tensor: Keras 3's __keras_tensor__ object, or Keras 2's [layer, node, tensor] list.
const Json* keyword_tensor(const Json& v) {
  if (v.is_object()) {
    const Json* cls = find_member(v, "class_name");
    const Json* config = find_member(v, "config");
    if (cls && cls->is_string() && cls->get<std::string>() == "__keras_tensor__" && config && config->is_object())
      return find_member(*config, "keras_history");
    return nullptr;
  }
  if (v.is_array() && v.size() >= 3 && v[0].is_string() && v[1].is_number_integer() && v[2].is_number_integer())
    return &v;
  return nullptr;
}

// MultiHeadAttention and GroupedQueryAttention: call(query, value, key=None, ..., attention_mask=None, ...).
bool is_query_value_attention(const std::string& layer_class) {
  return layer_class == "MultiHeadAttention" || layer_class == "GroupedQueryAttention";
}

// The tensors MultiHeadAttention's call takes (query, value, key, attention_mask); the first three also
// positionally.
bool is_attention_tensor_keyword(const std::string& layer_class, const std::string& key) {
  return is_query_value_attention(layer_class) &&
         (key == "query" || key == "value" || key == "key" || key == "attention_mask");
}

// A call's keywords: training and absent masks change nothing here (Keras 3 records the inputs' masks it passed,
// mask=None or MultiHeadAttention's query_mask=None, value_mask=None, key_mask=None); booleans are the layer's flags
// (it refuses those it does not take); MultiHeadAttention's tensors go to `tensors`.
void read_call_kwargs(const Json& kwargs, const std::string& layer_class, NodeCall& call,
                      std::map<std::string, const Json*>& tensors, const Context& ctx) {
  if (kwargs.is_null()) return;
  require_object(kwargs, "a call's kwargs", ctx);
  for (auto m = kwargs.begin(); m != kwargs.end(); ++m) {
    const Json& v = m.value();
    if ((m.key() == "training" && (v.is_null() || v.is_boolean())) ||
        ((m.key() == "mask" || m.key().ends_with("_mask")) && v.is_null()))
      continue;
    if (v.is_boolean()) {
      call.flags[m.key()] = v.get<bool>();
      continue;
    }
    if (is_attention_tensor_keyword(layer_class, m.key())) {
      if (v.is_null()) continue;
      if (const Json* ref = keyword_tensor(v)) {
        tensors[m.key()] = ref;
        continue;
      }
    }
    fail(ctx, "keraspp cannot rebuild a layer call with the keyword argument " + m.key() + "=" + describe(v) + ".",
         {.received = m.key(), .hint = "only plain calls on tensors can be loaded."});
  }
}

// MultiHeadAttention's inputs as keraspp takes them: query, value, then key (the value when only an attention mask
// is given) and attention_mask, from positional arguments or keywords.
void arrange_attention_inputs(NodeCall& call, const std::map<std::string, const Json*>& tensors, const Context& ctx) {
  std::vector<const Json*> positional = call.refs;
  auto pick = [&](size_t i, const char* key) -> const Json* {
    if (i < positional.size()) return positional[i];
    auto it = tensors.find(key);
    return it == tensors.end() ? nullptr : it->second;
  };
  const Json* query = pick(0, "query");
  const Json* value = pick(1, "value");
  const Json* key = pick(2, "key");
  auto mask = tensors.find("attention_mask");
  if (!query || !value || positional.size() > 3)
    fail(ctx, "A MultiHeadAttention call of the model graph needs a query and a value (then optionally a key).",
         {.received = std::to_string(positional.size()) + " positional tensors"});
  call.refs = {query, value};
  if (key || mask != tensors.end()) call.refs.push_back(key ? key : value);
  if (mask != tensors.end()) call.refs.push_back(mask->second);
}

NodeCall node_call(const Json& node, const std::string& layer_class, const Context& ctx) {
  NodeCall call;
  std::map<std::string, const Json*> tensors;
  if (node.is_object()) {
    const Json* args = find_member(node, "args");
    if (!args) fail(ctx, "A node of the model graph has no \"args\".");
    collect_refs(*args, call.refs, 0, ctx);
    if (const Json* kwargs = find_member(node, "kwargs")) read_call_kwargs(*kwargs, layer_class, call, tensors, ctx);
  } else if (node.is_array()) {
    // Keras 2: [[layer, node_index, tensor_index, kwargs], ...]
    for (const Json& e : node) {
      if (!e.is_array() || e.size() < 3 || e.size() > 4)
        fail(ctx, "Invalid node entry in the model graph: " + describe(e) + ".");
      call.refs.push_back(&e);
      if (e.size() == 4) read_call_kwargs(e[3], layer_class, call, tensors, ctx);
    }
  } else {
    fail(ctx, "Invalid node in the model graph: " + describe(node) + ".");
  }
  if (is_query_value_attention(layer_class)) arrange_attention_inputs(call, tensors, ctx);
  if (call.refs.empty()) fail(ctx, "A node of the model graph calls a layer on no tensors.");
  return call;
}

// [name, node, tensor] or a list / dict of them -> the references in order.
void tensor_list(const Json& j, std::vector<const Json*>& out, const std::string& what, const Context& ctx, int depth = 0) {
  if (depth > 8) fail(ctx, what + " is nested too deeply.");
  if (j.is_array() && j.size() >= 3 && j[0].is_string()) {
    out.push_back(&j);
  } else if (j.is_array()) {
    for (const Json& e : j) tensor_list(e, out, what, ctx, depth + 1);
  } else if (j.is_object()) {
    for (const Json& e : j) tensor_list(e, out, what, ctx, depth + 1);
  } else {
    fail(ctx, "Invalid " + what + ": " + describe(j) + ".");
  }
}

Model sequential_from_json(const Json& config, const Context& ctx, int depth);
Model functional_from_json(const Json& config, const Context& ctx, int depth);
Model any_model_from_json(const Json& env, const Context& ctx, int depth);

Layer layer_or_model(const Json& entry, const Context& ctx, int depth) {
  const std::string cls = object_class_name(entry, "a layer entry", ctx);
  if (cls == "Sequential" || cls == "Functional" || cls == "Model") return any_model_from_json(entry, ctx, depth + 1);
  return layer_from_envelope(entry, ctx);
}

Model functional_from_json(const Json& config, const Context& ctx, int depth) {
  kw::Kwargs model_kwargs;
  const Json* layers_json = nullptr;
  const Json* inputs_json = nullptr;
  const Json* outputs_json = nullptr;
  for (auto m = config.begin(); m != config.end(); ++m) {
    const std::string& key = m.key();
    if (key == "layers") layers_json = &m.value();
    else if (key == "input_layers") inputs_json = &m.value();
    else if (key == "output_layers") outputs_json = &m.value();
    else if (key == "name") model_kwargs.set("name", require_string(m.value(), "the model's name", ctx));
    else if (key == "trainable") {
      if (!m.value().is_null()) model_kwargs.set("trainable", decode_value("trainable", m.value(), "the model", ctx));
    } else if (key == "dtype") check_float32_dtype(m.value(), "the model", ctx);
    else fail(ctx, "Unrecognized keyword arguments passed to Functional: {'" + key + "': " + describe(m.value()) + "}",
              {.received = key});
  }
  if (!layers_json || !layers_json->is_array()) fail(ctx, "The Functional config has no \"layers\" list.");
  if (!inputs_json || !outputs_json) fail(ctx, "The Functional config lacks \"input_layers\" or \"output_layers\".");
  if (layers_json->size() > kMaxLayers) fail(ctx, "The model config has too many layers.");

  Graph g;
  for (const Json& entry : *layers_json) {
    require_object(entry, "a layer entry", ctx);
    Created c;
    c.layer = layer_or_model(entry, ctx, depth);
    c.name = c.layer.name();
    if (const Json* n = find_member(entry, "name")) c.name = require_string(*n, "a layer entry's name", ctx);
    c.functional = is_functional_class(*c.layer.impl());
    if (c.layer.impl()->is_input_layer()) c.outputs.push_back({layers::InputLayer::output_of(c.layer)});
    if (const Json* nodes = find_member(entry, "inbound_nodes"); nodes && !nodes->is_null()) {
      if (!nodes->is_array()) fail(ctx, "The inbound_nodes of layer '" + c.name + "' are not a list.");
      if (c.layer.impl()->is_input_layer() && !nodes->empty())
        fail(ctx, "The InputLayer '" + c.name + "' has inbound nodes.");
      for (const Json& n : *nodes) c.pending.push_back(&n);
    }
    if (!g.index.emplace(c.name, g.layers.size()).second)
      fail(ctx, "Two layers of the model are named '" + c.name + "'.", {.received = c.name});
    g.layers.push_back(std::move(c));
  }

  // Calls are replayed in layer order; a call whose inputs do not exist yet waits for a later pass (Keras's
  // functional_from_config does the same for layers shared at different depths).
  bool progress = true;
  auto any_pending = [&] {
    return std::any_of(g.layers.begin(), g.layers.end(), [](const Created& c) { return !c.pending.empty(); });
  };
  while (any_pending() && progress) {
    progress = false;
    for (Created& c : g.layers) {
      while (!c.pending.empty()) {
        std::vector<KerasTensor> inputs;
        bool ready = true;
        const NodeCall call = node_call(*c.pending.front(), c.layer.class_name(), ctx);
        for (const Json* ref : call.refs) {
          auto t = resolve(*ref, g, ctx);
          if (!t) {
            ready = false;
            break;
          }
          inputs.push_back(*t);
        }
        if (!ready) break;
        try {
          c.outputs.push_back(c.layer.impl()->call_symbolic(inputs, call.flags));
        } catch (const ValueError& e) {
          rethrow(e, ctx);
        }
        c.pending.erase(c.pending.begin());
        progress = true;
      }
    }
  }
  for (const Created& c : g.layers)
    if (!c.pending.empty())
      fail(ctx, "Could not rebuild the model graph: layer '" + c.name +
                    "' is called on tensors that no layer of the config produces.",
           {.layer = c.name, .hint = "the config's inbound_nodes are inconsistent (edited or damaged)."});

  std::vector<KerasTensor> inputs, outputs;
  std::vector<const Json*> refs;
  tensor_list(*inputs_json, refs, "input_layers", ctx);
  for (const Json* r : refs) {
    auto t = resolve(*r, g, ctx);
    if (!t || !t->node()->layer->is_input_layer())
      fail(ctx, "The model input " + r->dump() + " is not the output of an InputLayer.");
    inputs.push_back(*t);
  }
  refs.clear();
  tensor_list(*outputs_json, refs, "output_layers", ctx);
  for (const Json* r : refs) {
    auto t = resolve(*r, g, ctx);
    if (!t) fail(ctx, "The model output " + r->dump() + " is never computed.");
    outputs.push_back(*t);
  }
  if (inputs.empty() || outputs.empty()) fail(ctx, "The Functional config has no inputs or no outputs.");
  try {
    return Model(inputs, outputs, model_kwargs);
  } catch (const ValueError& e) {
    rethrow(e, ctx);
  }
}

Model sequential_from_json(const Json& config, const Context& ctx, int depth) {
  kw::Kwargs model_kwargs;
  const Json* layers_json = nullptr;
  const Json* build_shape = nullptr;
  if (config.is_array()) {
    layers_json = &config;  // Keras <= 2.2: the config is the list of layers
  } else {
    require_object(config, "the Sequential config", ctx);
    for (auto m = config.begin(); m != config.end(); ++m) {
      const std::string& key = m.key();
      if (key == "layers") layers_json = &m.value();
      else if (key == "build_input_shape") build_shape = &m.value();
      else if (key == "name") model_kwargs.set("name", require_string(m.value(), "the model's name", ctx));
      else if (key == "trainable") {
        if (!m.value().is_null()) model_kwargs.set("trainable", decode_value("trainable", m.value(), "the model", ctx));
      } else if (key == "dtype") check_float32_dtype(m.value(), "the model", ctx);
      else fail(ctx, "Unrecognized keyword arguments passed to Sequential: {'" + key + "': " + describe(m.value()) + "}",
                {.received = key});
    }
  }
  if (!layers_json || !layers_json->is_array()) fail(ctx, "The Sequential config has no \"layers\" list.");
  if (layers_json->size() > kMaxLayers) fail(ctx, "The model config has too many layers.");
  try {
    Sequential model(std::vector<SequentialItem>{}, model_kwargs);
    for (const Json& entry : *layers_json) {
      require_object(entry, "a layer entry", ctx);
      model.add(layer_or_model(entry, ctx, depth));
    }
    if (!model.graph().has_graph() && build_shape && build_shape->is_array() && !model.graph().layers().empty())
      model.build(decode_shape(*build_shape, "build_input_shape", ctx));
    return model;
  } catch (const ValueError& e) {
    if (e.message().find(" (in " + ctx.source + ")") != std::string::npos) throw;
    rethrow(e, ctx);
  }
}

Model any_model_from_json(const Json& env, const Context& ctx, int depth) {
  if (depth > kMaxModelNesting) fail(ctx, "Models are nested too deeply in the config.");
  require_object(env, "the model config", ctx);
  const std::string cls = object_class_name(env, "the model", ctx);
  const Json* config = find_member(env, "config");
  if (!config) fail(ctx, "The " + cls + " entry has no config.");
  if (cls == "Sequential") return sequential_from_json(*config, ctx, depth);
  if (cls == "Functional" || cls == "Model") {
    require_object(*config, "the Functional config", ctx);
    return functional_from_json(*config, ctx, depth);
  }
  fail(ctx, "Expected a Sequential or Functional model, but the config describes a '" + cls + "'.",
       {.expected = "Sequential or Functional", .received = cls,
        .hint = "keraspp loads models saved with model.save() / model.to_json(); subclassed models cannot be loaded."});
}

// Rejects JSON nested deeper than kMaxJsonDepth while parsing.
bool depth_guard(int depth, nlohmann::detail::parse_event_t, Json&) {
  if (depth > kMaxJsonDepth) throw ValueError("The JSON is nested too deeply (more than " + std::to_string(kMaxJsonDepth) + " levels).");
  return true;
}

}  // namespace

Json model_to_json(const FunctionalImpl& model, bool top_level) {
  Json c = Json::object();
  Json out;
  if (is_sequential(model)) {
    c["name"] = model.name();
    c["trainable"] = model.trainable();
    c["dtype"] = dtype_policy_json();
    Json layers = Json::array();
    if (model.has_graph()) layers.push_back(layer_envelope(*model.inputs().at(0).node()->layer, std::nullopt));
    for (const auto& l : model.layers()) layers.push_back(layer_entry(model, l));
    c["layers"] = std::move(layers);
    if (model.has_graph()) c["build_input_shape"] = shape_json(model.inputs().at(0).shape());
    out = envelope("keras", "Sequential", std::move(c));
    if (model.has_graph()) {
      Json bc = Json::object();
      bc["input_shape"] = shape_json(model.inputs().at(0).shape());
      out["build_config"] = std::move(bc);
    }
  } else {
    c["name"] = model.name();
    c["trainable"] = model.trainable();
    // Keras re-numbers each layer's calls to count only this model's ones.
    std::map<const Node*, int> new_index;
    for (const auto& in : model.inputs()) new_index[in.node().get()] = 0;
    std::map<const LayerImpl*, std::vector<const Node*>> calls;
    for (const auto& n : model.nodes()) calls[n->layer.get()].push_back(n.get());
    for (auto& [layer, nodes] : calls) {
      std::sort(nodes.begin(), nodes.end(), [](const Node* a, const Node* b) { return a->node_index < b->node_index; });
      for (size_t i = 0; i < nodes.size(); ++i) new_index[nodes[i]] = static_cast<int>(i);
    }
    auto history = [&](const KerasTensor& t) {
      const auto& producer = t.node()->layer;
      int idx = new_index.at(t.node().get()) + (is_functional_class(*producer) ? 1 : 0);
      Json h = Json::array();
      h.push_back(producer->name());
      h.push_back(idx);
      h.push_back(t.index());
      return h;
    };
    auto keras_tensor = [&](const KerasTensor& t) {
      Json kt = Json::object();
      kt["class_name"] = "__keras_tensor__";
      Json cfg = Json::object();
      cfg["shape"] = shape_json(t.shape());
      cfg["dtype"] = "float32";
      cfg["keras_history"] = history(t);
      kt["config"] = std::move(cfg);
      return kt;
    };
    Json layers = Json::array();
    for (const auto& l : model.layers()) {
      Json entry = layer_entry(model, l);
      entry["name"] = l->name();
      Json inbound = Json::array();
      auto it = calls.find(l.get());
      if (it != calls.end())
        for (const Node* n : it->second) {
          Json tensors = Json::array();
          for (const auto& t : n->inputs) tensors.push_back(keras_tensor(t));
          Json args = Json::array();
          Json kwargs = Json::object();
          if (is_query_value_attention(l->class_name())) {
            // Keras's call(query, value, key=None, ..., attention_mask=None): the key only when it is not the value.
            const auto& in = n->inputs;
            for (size_t i = 0; i < in.size() && i < 3; ++i)
              if (!l->implicit_input(*n, i)) args.push_back(tensors[i]);
            if (in.size() == 4) kwargs["attention_mask"] = tensors[3];
          } else if (l->expected_inputs() == 1 && tensors.size() == 1) {
            args.push_back(std::move(tensors[0]));
          } else {
            args.push_back(std::move(tensors));
          }
          for (const auto& [flag, on] : n->flags) kwargs[flag] = on;
          Json node = Json::object();
          node["args"] = std::move(args);
          node["kwargs"] = std::move(kwargs);
          inbound.push_back(std::move(node));
        }
      entry["inbound_nodes"] = std::move(inbound);
      layers.push_back(std::move(entry));
    }
    c["layers"] = std::move(layers);
    auto refs = [&](const std::vector<KerasTensor>& ts) {
      if (ts.size() == 1) return history(ts[0]);
      Json list = Json::array();
      for (const auto& t : ts) list.push_back(history(t));
      return list;
    };
    c["input_layers"] = refs(model.inputs());
    c["output_layers"] = refs(model.outputs());
    out = Json::object();
    out["module"] = "keras.src.models.functional";
    out["class_name"] = "Functional";
    out["config"] = std::move(c);
    out["registered_name"] = "Functional";
    Json bc = Json::object();
    bc["input_shape"] = nullptr;
    out["build_config"] = std::move(bc);
  }
  if (top_level) {
    Json cc = compile_config_json(model);
    if (!cc.is_null()) out["compile_config"] = std::move(cc);
  }
  return out;
}

namespace {

// Keras 1 and 2 (tf.keras included) wrote "keras_version" at the top of a model_from_json text and in the HDF5 and
// .keras metadata; only they wrote "backend" into the config itself.
bool written_by_keras2(const Json& env) {
  if (!env.is_object()) return false;
  if (const Json* v = find_member(env, "keras_version"); v && v->is_string()) {
    const std::string s = v->get<std::string>();
    return !s.empty() && (s[0] == '1' || s[0] == '2') && (s.size() == 1 || s[1] == '.');
  }
  return find_member(env, "backend") != nullptr;
}

// Keras 3 kept the name hard_sigmoid for a different function (relu6(x + 3) / 6 instead of clip(0.2 x + 0.5, 0, 1));
// a Keras 2 file's weights were trained with the old one, so its activations are renamed to keraspp's copy of it.
void adopt_keras2_activations(Json& j, int depth) {
  if (depth > 64) return;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if ((it.key() == "activation" || it.key() == "recurrent_activation") && it.value().is_string() &&
          it.value().get<std::string>() == "hard_sigmoid")
        it.value() = activations::detail::kKeras2HardSigmoid;
      else
        adopt_keras2_activations(it.value(), depth + 1);
    }
  } else if (j.is_array()) {
    for (Json& e : j) adopt_keras2_activations(e, depth + 1);
  }
}

}  // namespace

Model model_from_json(const Json& env_in, const Context& ctx, bool compile) {
  Json adopted;
  const bool keras2 = written_by_keras2(env_in);
  if (keras2) {
    adopted = env_in;
    adopt_keras2_activations(adopted, 0);
  }
  const Json& env = keras2 ? adopted : env_in;
  Model model = any_model_from_json(env, ctx, 0);
  if (compile)
    if (const Json* cc = find_member(env, "compile_config"); cc && !cc->is_null())
      compile_from_config(model, *cc, ctx, "compile_config");
  return model;
}

Json parse_json(const std::string& text, const Context& ctx) {
  try {
    return Json::parse(text, depth_guard);
  } catch (const Json::exception& e) {
    fail(ctx, std::string("Invalid JSON: ") + e.what() + ".",
         {.hint = "the file is damaged or is not a Keras config; save the model again."});
  } catch (const ValueError& e) {
    fail(ctx, e.message());
  }
}

}  // namespace keras::saving::detail
