#include "trainers/trainer.hpp"

#include <array>
#include <cmath>
#include <map>
#include <numeric>

#include "keras/core/errors.hpp"
#include "keras/metrics/metrics.hpp"
#include "models/forward_only.hpp"
#include "models/layer_profile.hpp"
#include "trainers/loss_masking.hpp"

namespace keras {

namespace {

// Rows of the layer profile (models/layer_profile.hpp) for fit's own work between the model's passes.
const std::string kLossRow = "loss", kOptimizerRow = "optimizer";

const Tensor& output_mask(const CallContext& ctx, size_t i) {
  static const Tensor none;
  return i < ctx.output_masks.size() ? ctx.output_masks[i] : none;
}

// Keras's MeanMetricWrapper reads the output's mask (reduction "sum"); the other metrics ignore masks. Only the
// weighted metrics see the sample weights (CompileMetrics.update_state).
void update_metrics(CompiledMetrics& metrics, const std::vector<Tensor>& ys, const std::vector<Tensor>& outputs,
                    const CallContext& ctx, const Tensor& sample_weight) {
  const Tensor* sw = sample_weight.defined() ? &sample_weight : nullptr;
  // Each masked output's weights for the plain and the weighted metrics, made on first use (none without masks).
  std::vector<std::array<Tensor, 2>> masked;
  for (CompiledMetric& c : metrics) {
    const size_t i = c.output;
    if (i >= outputs.size()) continue;
    const Tensor* weights = c.weighted ? sw : nullptr;
    const Tensor& mask = output_mask(ctx, i);
    if (mask.defined() && dynamic_cast<metric_types::MeanMetricWrapper*>(c.metric.get()) != nullptr) {
      if (masked.empty()) masked.resize(outputs.size());
      Tensor& m = masked[i][c.weighted ? 1 : 0];
      if (!m.defined()) m = detail::apply_mask(weights, mask, "sum");
      weights = &m;
    }
    c.metric->update_state(ys[i], outputs[i], weights);
  }
}

// Keras's CompileMetrics.result() names: the output's name first when there are several outputs; a repeated name gets
// "_1", "_2", ..., and a weighted metric whose name is taken becomes "weighted_<name>".
CompiledMetrics named_metrics(const std::vector<std::vector<MetricArg>>& plain,
                              const std::vector<std::vector<MetricArg>>& weighted, const std::vector<Shape>& ys,
                              const std::vector<Shape>& outs, const FunctionalImpl& graph) {
  CompiledMetrics out;
  std::map<std::string, int> counters;
  auto unique = [&counters](const std::string& name) {
    int& seen = counters[name];
    return seen++ ? name + "_" + std::to_string(seen - 1) : name;
  };
  const bool several = outs.size() > 1;
  for (const bool is_weighted : {false, true}) {
    const auto& lists = is_weighted ? weighted : plain;
    for (size_t i = 0; i < lists.size() && i < outs.size(); ++i) {
      const std::string prefix = several ? graph.outputs()[i].producer_name() + "_" : "";
      for (const MetricArg& arg : lists[i]) {
        auto metric = metric_types::get(arg, ys[i], outs[i]);
        std::string name = prefix + metric->name();
        if (is_weighted && counters.count(name)) name = prefix + "weighted_" + metric->name();
        out.push_back({i, is_weighted, unique(name), std::move(metric)});
      }
    }
  }
  return out;
}

}  // namespace

Trainer::Trainer(Model& model)
    : model_(model), graph_(model.graph()), state_(model.graph().training_state()) {
  if (!state_->compiled)
    throw ValueError("You must call `compile()` before using the model.",
                     {.layer = graph_.name(),
                      .hint = "call model.compile(optimizer=\"adam\", loss=\"...\", metrics={\"accuracy\"}) first."});
}

std::pair<std::vector<Tensor>, std::vector<Tensor>> Trainer::prepare_batch(const Data& x, const Data& y) {
  std::vector<Tensor> xs = model_.prepare_inputs(x), ys = model_.prepare_targets(y);
  std::vector<Shape> shapes;
  for (const Tensor& t : xs) shapes.push_back(t.shape());
  for (const Tensor& t : ys) shapes.push_back(t.defined() ? t.shape() : Shape{});
  shapes.push_back(Shape{static_cast<int64_t>(xs.size())});  // keeps x and y apart in the comparison
  if (shapes != prepared_shapes_) {
    prepare(xs, ys);
    prepared_shapes_ = std::move(shapes);
  }
  return {std::move(xs), std::move(ys)};
}

void Trainer::prepare(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) {
  const auto& outs = graph_.outputs();
  if (ys.size() != outs.size())
    throw ValueError("The model has " + std::to_string(outs.size()) + " output(s) but " + std::to_string(ys.size()) +
                         " target array(s) were given.",
                     {.layer = graph_.name(), .expected = std::to_string(outs.size()) + " targets",
                      .received = std::to_string(ys.size()) + " targets",
                      .hint = "pass one y array per model output, in the order of Model(inputs, outputs)."});
  std::string xsizes, ysizes;
  bool mismatch = false;
  int64_t n = xs.at(0).ndim() ? xs[0].dim(0) : 0;
  for (const auto& x : xs) xsizes += (xsizes.empty() ? "" : ", ") + std::to_string(x.ndim() ? x.dim(0) : 0);
  for (const auto& y : ys) {
    if (!y.defined()) throw ValueError("A target Tensor is undefined.", {.layer = graph_.name()});
    int64_t m = y.ndim() ? y.dim(0) : 0;
    ysizes += (ysizes.empty() ? "" : ", ") + std::to_string(m);
    if (m != n) mismatch = true;
  }
  if (mismatch)
    throw ValueError("Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.'x' "
                     "sizes: " + xsizes + "\n'y' sizes: " + ysizes + "\n",
                     {.layer = graph_.name(), .expected = xsizes + " samples", .received = ysizes + " samples",
                      .hint = "x and y need one entry per sample: x has " + xsizes + " samples and y has " + ysizes +
                              "; slice both the same way."});
  // The loss decides whether targets of this shape can go with the outputs; metrics resolve by the same shapes.
  std::vector<Shape> in_shapes;
  for (const auto& x : xs) in_shapes.push_back(x.shape());
  std::vector<Shape> out_shapes = graph_.compute_output_shapes(in_shapes);
  for (size_t i = 0; i < outs.size(); ++i) {
    Shape out = out_shapes[i];
    Shape target = ys[i].shape();
    try {
      state_->losses[i]->check_shapes(target, out);
    } catch (const ValueError& e) {
      std::string hint = e.hint();
      std::string where = "the model's output is " + to_string(outs[i].shape()) + " and the targets are " +
                          to_string(target);
      throw ValueError(e.message(), {.layer = graph_.name(), .expected = e.expected(), .received = e.received(),
                                     .hint = hint.empty() ? where + "." : hint});
    }
  }
  if (!state_->metrics_resolved) {
    std::vector<Shape> target_shapes;
    for (const Tensor& y : ys) target_shapes.push_back(y.shape());
    state_->metrics = named_metrics(state_->output_metric_args, state_->output_weighted_metric_args, target_shapes,
                                    out_shapes, graph_);
    state_->metrics_resolved = true;
  }
  // A loss may take over the output layer's activation (softmax + cross-entropy from the logits).
  fused_.assign(outs.size(), false);
  for (size_t i = 0; i < outs.size(); ++i) {
    int k = graph_.output_node(i);
    std::string act = state_->losses[i]->fusable_activation();
    if (k < 0 || act.empty() || !graph_.output_is_terminal(i)) continue;
    const LayerImpl& layer = *graph_.nodes()[static_cast<size_t>(k)]->layer;
    // An activity regularizer's gradient is with respect to the output after the activation, so no fusing then.
    fused_[i] = layer.final_activation() == act && !layer.activity_regularizer();
  }
}

double Trainer::compute_losses(const std::vector<Tensor>& outputs, CallContext& ctx, const std::vector<Tensor>& yb,
                               const Tensor& sample_weight, std::vector<Tensor>* grads) {
  double total = 0;
  const Tensor* sw = sample_weight.defined() ? &sample_weight : nullptr;
  if (grads) {
    grads->assign(outputs.size(), Tensor());
    ctx.preactivation_output_grads.assign(outputs.size(), false);
  }
  output_losses_.assign(outputs.size(), 0.0);
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& loss = *state_->losses[i];
    double w = state_->loss_weights.empty() ? 1.0 : state_->loss_weights[i];
    Tensor* g = grads ? &(*grads)[i] : nullptr;
    // Keras's Loss.__call__ folds the output's mask into the sample weights (losses/loss.py apply_mask).
    const Tensor* swi = sw;
    Tensor masked;
    if (const Tensor& mask = output_mask(ctx, i); mask.defined()) {
      masked = detail::apply_mask(sw, mask, loss.get_config().get_or<std::string>("reduction", "sum_over_batch_size"));
      swi = &masked;
    }
    double value;
    int k = graph_.output_node(i);
    Tensor logits;
    if (fused_.size() > i && fused_[i] && k >= 0 && static_cast<size_t>(k) < ctx.children.size())
      logits = graph_.nodes()[static_cast<size_t>(k)]->layer->preactivation(ctx.children[static_cast<size_t>(k)]);
    if (logits.defined()) {
      value = loss.call_from_logits(yb[i], logits, swi, g);
      if (grads) ctx.preactivation_output_grads[i] = true;
    } else {
      value = loss.call(yb[i], outputs[i], swi, g);
    }
    if (g && w != 1.0) *g *= static_cast<float>(w);
    output_losses_[i] = w * value;
    total += w * value;
  }
  return total;
}

double Trainer::train_step(const std::vector<Tensor>& xb, const std::vector<Tensor>& yb, const Tensor& sample_weight) {
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = xb;
  ctx.needs_input_grad.assign(xb.size(), false);
  std::vector<Tensor> outputs = graph_.forward(ctx);
  ctx.outputs = outputs;
  std::vector<Tensor> grads;
  double loss = 0.0;
  {
    detail::ProfileScope timed(kLossRow, "train");
    loss = compute_losses(outputs, ctx, yb, sample_weight, &grads);
  }
  auto vars = graph_.trainable_variables();
  for (const auto& v : vars) v->grad_stale = v->grad.defined();  // zeroed by the first layer to write it
  graph_.backward(ctx, grads);
  for (const auto& v : vars)
    if (v->grad_stale) {  // no gradient reached it this step
      v->grad.fill(0.0f);
      v->grad_stale = false;
    }
  // Keras adds the layers' losses to the training loss: the weights' penalties, and what the calls added.
  loss += graph_.regularization_penalty(true) + ctx.added_loss;
  {
    detail::ProfileScope timed(kOptimizerRow, "train");
    state_->optimizer->apply_gradients(vars);
  }
  update_metrics(state_->metrics, yb, outputs, ctx, sample_weight);
  return loss;
}

double Trainer::test_step(const std::vector<Tensor>& xb, const std::vector<Tensor>& yb, const Tensor& sample_weight,
                          CompiledMetrics& metrics) {
  detail::ForwardOnlyScope forward_only;
  CallContext ctx;
  ctx.inputs = xb;
  std::vector<Tensor> outputs = graph_.forward(ctx);
  double loss =
      compute_losses(outputs, ctx, yb, sample_weight, nullptr) + graph_.regularization_penalty(false) + ctx.added_loss;
  update_metrics(metrics, yb, outputs, ctx, sample_weight);
  return loss;
}

CompiledMetrics Trainer::cloned_metrics() const {
  CompiledMetrics out = state_->metrics;
  for (CompiledMetric& c : out) {
    c.metric = c.metric->clone();
    c.metric->reset_state();
  }
  return out;
}

std::vector<std::string> Trainer::output_loss_names(const FunctionalImpl& graph) {
  std::vector<std::string> names;
  if (!graph.has_graph() || graph.outputs().size() < 2) return names;
  for (const auto& out : graph.outputs()) names.push_back(out.producer_name() + "_loss");
  return names;
}

void Trainer::write_metric_logs(Logs& logs, const CompiledMetrics& metrics, const std::string& prefix) {
  for (const CompiledMetric& c : metrics) logs[prefix + c.name] = c.metric->result();
}

}  // namespace keras
