// The optimizer base (keras/src/optimizers/base_optimizer.py): keywords, learning rate and schedules, building the
// slots, clipping, weight decay, EMA and the iteration count. The rules themselves are in the other files.
#include "keras/optimizers/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "keras/core/errors.hpp"
#include "optimizers/detail.hpp"

namespace keras::optimizers {

using detail::elementwise;
using detail::py_optional;

namespace {

// learning_rate= as given: a LearningRateArg from the keyword, or a plain number from a config.
LearningRateArg read_learning_rate(const kw::Kwargs& k, double fallback) {
  if (!k.has("learning_rate") || k.is_none("learning_rate")) return LearningRateArg(fallback);
  try {
    return *k.get<LearningRateArg>("learning_rate");
  } catch (const TypeError&) {
  }
  return LearningRateArg(*detail::get_number(k, "learning_rate"));
}

std::any none() { return std::any(kw::Kwargs::None_{}); }
std::any number_or_none(bool has, double v) { return has ? std::any(v) : none(); }

}  // namespace

Optimizer::Optimizer(const kw::Kwargs& kwargs, double default_learning_rate)
    : Optimizer(kwargs, default_learning_rate, "optimizer") {}

Optimizer::Optimizer(const kw::Kwargs& k, double default_learning_rate, std::string default_name)
    : name_(std::move(default_name)) {
  if (auto n = k.get<std::string>("name")) name_ = *n;
  LearningRateArg lr = read_learning_rate(k, default_learning_rate);
  if (lr.schedule) schedule_ = lr.schedule;
  else learning_rate_ = lr.value;

  const auto wd = detail::get_number(k, "weight_decay");
  const auto cn = detail::get_number(k, "clipnorm");
  const auto cv = detail::get_number(k, "clipvalue");
  const auto gcn = detail::get_number(k, "global_clipnorm");
  if (wd) {
    has_weight_decay_ = true;
    weight_decay_ = *wd;
  }
  use_ema_ = k.get_or("use_ema", false);
  ema_momentum_ = detail::get_number(k, "ema_momentum").value_or(0.99);
  if (use_ema_ && (ema_momentum_ > 1 || ema_momentum_ < 0))
    throw ValueError("`ema_momentum` must be in the range [0, 1]. Received: ema_momentum=" +
                         py_float(ema_momentum_),
                     {.expected = "0 <= ema_momentum <= 1", .received = py_float(ema_momentum_),
                      .hint = "ema_momentum is the weight of the old average, e.g. 0.99 (the default)."});
  if ((cn ? 1 : 0) + (cv ? 1 : 0) + (gcn ? 1 : 0) > 1)
    throw ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: clipnorm=" +
                         py_optional(cn) + ", clipvalue=" + py_optional(cv) + ", global_clipnorm=" + py_optional(gcn),
                     {.expected = "at most one clipping argument",
                      .received = "clipnorm=" + py_optional(cn) + ", clipvalue=" + py_optional(cv) +
                                  ", global_clipnorm=" + py_optional(gcn),
                      .hint = "keep one: clipnorm clips each gradient's norm, global_clipnorm the norm of all of them "
                              "together, clipvalue each element."});
  if (cn) {
    has_clipnorm_ = true;
    clipnorm_ = *cn;
  }
  if (cv) {
    has_clipvalue_ = true;
    clipvalue_ = *cv;
  }
  if (gcn) {
    has_global_clipnorm_ = true;
    global_clipnorm_ = *gcn;
  }
}

Optimizer::Optimizer(const Optimizer& o) { *this = o; }

Optimizer& Optimizer::operator=(const Optimizer& o) {
  if (this == &o) return *this;
  config_ = o.config_;
  built_ = o.built_;
  name_ = o.name_;
  learning_rate_ = o.learning_rate_;
  schedule_ = o.schedule_;
  has_weight_decay_ = o.has_weight_decay_;
  weight_decay_ = o.weight_decay_;
  clipnorm_ = o.clipnorm_;
  clipvalue_ = o.clipvalue_;
  global_clipnorm_ = o.global_clipnorm_;
  has_clipnorm_ = o.has_clipnorm_;
  has_clipvalue_ = o.has_clipvalue_;
  has_global_clipnorm_ = o.has_global_clipnorm_;
  use_ema_ = o.use_ema_;
  ema_momentum_ = o.ema_momentum_;
  iterations_ = o.iterations_;
  built_for_ = o.built_for_;
  known_ = o.known_;
  index_ = o.index_;
  groups_ = o.groups_;
  no_decay_names_ = o.no_decay_names_;
  no_decay_vars_ = o.no_decay_vars_;
  warned_missing_ = o.warned_missing_;
  // Tensors share storage when copied: the copy's state must be its own.
  slots_.clear();
  slots_.reserve(o.slots_.size());
  for (const auto& per_var : o.slots_) {
    std::vector<Tensor> s;
    s.reserve(per_var.size());
    for (const Tensor& t : per_var) s.push_back(t.defined() ? t.copy() : Tensor());
    slots_.push_back(std::move(s));
  }
  averages_.clear();
  for (const Tensor& t : o.averages_) averages_.push_back(t.copy());
  scratch_.assign(o.scratch_.size(), Tensor());
  return *this;
}

// ---- learning rate ----

// Keras keeps the learning rate in a float32 variable (and schedules compute in float32): `optimizer.learning_rate`
// of Adam(1e-3) reads 0.0010000000474974513, which is what callbacks log and print. The same here.
double Optimizer::learning_rate() const {
  const double lr = schedule_ ? (*schedule_)(iterations_) : learning_rate_;
  return static_cast<double>(static_cast<float>(lr));
}

void Optimizer::set_learning_rate(double lr) {
  if (schedule_)
    throw TypeError(
        "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` constructor argument, "
        "hence its learning rate is not settable. If you need the learning rate to be settable, you should "
        "instantiate the optimizer with a float `learning_rate` argument.",
        {.received = schedule_->class_name(),
         .hint = "give the optimizer a number (learning_rate=1e-3) when a callback such as ReduceLROnPlateau or "
                 "LearningRateScheduler sets the rate, or keep the schedule and drop the callback."});
  learning_rate_ = lr;
}

// ---- building ----

size_t Optimizer::begin_slot_group(size_t count) {
  if (building_group_ == groups_.size()) {
    size_t first = 0;
    for (const auto& g : groups_) first = std::max(first, g.first + g.second);
    groups_.emplace_back(first, count);
  }
  return groups_[building_group_++].first;
}

void Optimizer::add_slots(const std::vector<VariablePtr>& variables,
                          const std::vector<std::pair<std::string, float>>& slots) {
  const size_t first = begin_slot_group(slots.size());
  for (const VariablePtr& v : variables) {
    std::vector<Tensor>& per_var = slots_[index_.at(v.get())];
    if (per_var.size() < first + slots.size()) per_var.resize(first + slots.size());
    for (size_t j = 0; j < slots.size(); ++j) per_var[first + j] = Tensor::full(v->value.dims(), slots[j].second);
  }
}

void Optimizer::add_slots(const std::vector<VariablePtr>& variables, const std::vector<SlotDims>& slot_dims) {
  const size_t first = begin_slot_group(slot_dims.size());
  for (const VariablePtr& v : variables) {
    std::vector<Tensor>& per_var = slots_[index_.at(v.get())];
    if (per_var.size() < first + slot_dims.size()) per_var.resize(first + slot_dims.size());
    for (size_t j = 0; j < slot_dims.size(); ++j) per_var[first + j] = Tensor::zeros(slot_dims[j](*v));
  }
}

void Optimizer::rebuild_for(const std::vector<VariablePtr>& variables) {
  built_for_.clear();
  known_.clear();
  index_.clear();
  slots_.clear();
  groups_.clear();
  averages_.clear();
  scratch_.clear();
  built_ = false;
  ensure_built(variables);
}

void Optimizer::ensure_built(const std::vector<VariablePtr>& variables) {
  std::vector<VariablePtr> fresh;
  for (const VariablePtr& v : variables) {
    if (!v) throw ValueError("The optimizer received a null variable.", {.hint = "pass the model's variables."});
    auto it = index_.find(v.get());
    if (it == index_.end()) {
      index_.emplace(v.get(), built_for_.size());
      built_for_.push_back(v.get());
      known_.push_back({v, v->value.size()});
      fresh.push_back(v);
      continue;
    }
    const Known& k = known_[it->second];
    // A variable freed and another made at the same address, or one whose size changed: start over, as Keras's
    // "recreate a new optimizer instance" would.
    if (k.ref.expired() || k.size != v->value.size()) {
      rebuild_for(variables);
      return;
    }
  }
  if (fresh.empty()) {
    built_ = true;
    return;
  }
  slots_.resize(built_for_.size());
  scratch_.resize(built_for_.size());
  if (use_ema_)
    for (const VariablePtr& v : fresh) averages_.push_back(Tensor::zeros(v->value.dims()));
  building_group_ = 0;
  build(fresh);
  built_ = true;
}

// ---- the step ----

bool Optimizer::decays(const Variable& v) const {
  if (!has_weight_decay_) return false;
  if (std::find(no_decay_vars_.begin(), no_decay_vars_.end(), &v) != no_decay_vars_.end()) return false;
  for (const std::string& s : no_decay_names_)
    if (v.name.find(s) != std::string::npos) return false;
  return true;
}

void Optimizer::exclude_from_weight_decay(const std::vector<std::string>& var_names) {
  if (built_)
    throw ValueError("`exclude_from_weight_decay()` can only be configued before the optimizer is built.",
                     {.hint = "call it before the first fit() or apply_gradients()."});
  no_decay_names_ = var_names;
  no_decay_vars_.clear();
}

void Optimizer::exclude_from_weight_decay(const std::vector<VariablePtr>& var_list,
                                          const std::vector<std::string>& var_names) {
  exclude_from_weight_decay(var_names);
  for (const VariablePtr& v : var_list) no_decay_vars_.push_back(v.get());
}

void Optimizer::apply_gradients(const std::vector<VariablePtr>& variables) {
  if (variables.empty()) return;
  ensure_built(variables);

  active_.clear();
  active_vars_.clear();
  grads_.clear();
  std::string missing;
  for (const VariablePtr& v : variables) {
    if (!v->grad.defined()) {
      missing += (missing.empty() ? "'" : ", '") + v->name + "'";
      continue;
    }
    if (v->grad.size() != v->value.size())
      throw ValueError("The gradient of variable '" + v->name + "' has shape " + to_string(v->grad.shape()) +
                           ", but the variable has shape " + to_string(v->value.shape()) + ".",
                       {.expected = to_string(v->value.shape()), .received = to_string(v->grad.shape()),
                        .hint = "a gradient must have its variable's shape."});
    active_.push_back(index_.at(v.get()));
    active_vars_.push_back(v.get());
    grads_.push_back(&v->grad);
  }
  if (active_.empty())
    throw ValueError("No gradients provided for any variable.",
                     {.hint = "the loss does not depend on any trainable variable: check that the model's output "
                              "feeds the loss and that its layers are trainable."});
  if (!missing.empty() && !warned_missing_) {
    warned_missing_ = true;
    std::cerr << "UserWarning: Gradients do not exist for variables [" << missing
              << "] when minimizing the loss. If using `model.compile()`, did you forget to provide a `loss` "
                 "argument?\n";
  }

  // Clipping (BaseOptimizer._clip_gradients): into per-variable scratch buffers, allocated once.
  auto scratch_for = [&](size_t a) -> Tensor& {
    Tensor& s = scratch_[active_[a]];
    if (!s.defined() || s.size() != grads_[a]->size()) s = Tensor::empty(grads_[a]->dims());
    return s;
  };
  auto scale_into = [&](size_t a, float factor) {
    Tensor& s = scratch_for(a);
    const float* g = grads_[a]->data();
    float* out = s.data();
    elementwise(s.size(), [=](int64_t i) { out[i] = g[i] * factor; });
    grads_[a] = &s;
  };
  if (has_clipnorm_ && clipnorm_ > 0) {
    for (size_t a = 0; a < active_.size(); ++a) {
      const double l2 = std::sqrt(detail::sum_of_squares(grads_[a]->data(), grads_[a]->size()));
      if (l2 > clipnorm_) scale_into(a, static_cast<float>(clipnorm_ / l2));
    }
  } else if (has_global_clipnorm_ && global_clipnorm_ > 0) {
    double ss = 0.0;
    for (const Tensor* g : grads_) ss += detail::sum_of_squares(g->data(), g->size());
    const double norm = std::sqrt(ss);
    // clip_by_global_norm: clip_norm * min(1/norm, 1/clip_norm), NaN when the norm is not finite.
    const double scale = global_clipnorm_ * std::min(1.0 / norm, 1.0 / global_clipnorm_) + (norm - norm);
    if (scale != 1.0)
      for (size_t a = 0; a < active_.size(); ++a) scale_into(a, static_cast<float>(scale));
  } else if (has_clipvalue_ && clipvalue_ > 0) {
    const float hi = static_cast<float>(clipvalue_), lo = -hi;
    for (size_t a = 0; a < active_.size(); ++a) {
      const float* g = grads_[a]->data();
      const int64_t n = grads_[a]->size();
      bool outside = false;
      for (int64_t i = 0; i < n && !outside; ++i) outside = g[i] > hi || g[i] < lo;
      if (!outside) continue;
      Tensor& s = scratch_for(a);
      float* out = s.data();
      elementwise(n, [=](int64_t i) { out[i] = std::min(std::max(g[i], lo), hi); });
      grads_[a] = &s;
    }
  }

  const double lr = learning_rate();
  prepare_step(lr);
  for (size_t a = 0; a < active_.size(); ++a) {
    const size_t idx = active_[a];
    Variable& v = *active_vars_[a];
    decay_factor_ = decays(v) ? static_cast<float>(weight_decay_ * lr) : 0.0f;
    update_step(idx, v, *grads_[a], lr);
  }
  decay_factor_ = 0.0f;
  if (use_ema_) update_ema(variables);
  // Keras's BaseOptimizer.apply: "Apply variable constraints after applying gradients."
  for (Variable* v : active_vars_)
    if (v->constraint) v->constraint->apply(v->value);
  ++iterations_;
}

void Optimizer::update_ema(const std::vector<VariablePtr>& variables) {
  // The first step copies the weights (momentum 0), later ones average (BaseOptimizer L~690).
  const float m = iterations_ != 0 ? static_cast<float>(ema_momentum_) : 0.0f;
  for (const VariablePtr& v : variables) {
    float* avg = averages_[index_.at(v.get())].data();
    const float* w = v->value.data();
    elementwise(v->value.size(), [=](int64_t i) { avg[i] = m * avg[i] + (1.0f - m) * w[i]; });
  }
}

void Optimizer::finalize_variable_values(const std::vector<VariablePtr>& variables) {
  if (!use_ema_) return;
  for (const VariablePtr& v : variables) {
    auto it = index_.find(v.get());
    if (it == index_.end()) continue;
    const float* avg = averages_[it->second].data();
    float* w = v->value.data();
    elementwise(v->value.size(), [=](int64_t i) { w[i] = avg[i]; });
  }
}

void Optimizer::swap_ema_weights() {
  for (size_t i = 0; i < known_.size() && i < averages_.size(); ++i)
    if (VariablePtr v = known_[i].ref.lock())
      std::swap_ranges(v->value.data(), v->value.data() + v->value.size(), averages_[i].data());
}

void Optimizer::set_ema_to_variables() {
  for (size_t i = 0; i < known_.size() && i < averages_.size(); ++i)
    if (VariablePtr v = known_[i].ref.lock()) std::copy_n(v->value.data(), v->value.size(), averages_[i].data());
}

// ---- the optimizer's variables ----

std::vector<Tensor> Optimizer::variables() const {
  std::vector<Tensor> out;
  out.push_back(Tensor::scalar(static_cast<float>(iterations_)));
  if (!schedule_) out.push_back(Tensor::scalar(static_cast<float>(learning_rate_)));
  for (const Tensor& a : averages_) out.push_back(a);
  for (const auto& [first, count] : groups_)
    for (const auto& per_var : slots_)
      for (size_t j = first; j < first + count && j < per_var.size(); ++j) out.push_back(per_var[j]);
  return out;
}

int64_t Optimizer::count_params() const {
  int64_t n = 0;
  for (const Tensor& t : variables()) n += t.size();
  return n;
}

double Optimizer::memory_size_bytes() const {
  const int64_t n = count_params();
  return n == 0 ? 0.0 : 8.0 + 4.0 * static_cast<double>(n - 1);
}

void Optimizer::set_variables(const std::vector<Tensor>& values) {
  if (!built_)
    throw ValueError(
        "You are calling `set_weights()` on an optimizer that has not yet been built. Please call "
        "`optimizer.build(trainable_variables)` to create the optimizer weights before calling `set_weights()`.",
        {.hint = "call ensure_built(model variables) first (fit() does it on the first step)."});
  const std::vector<Tensor> mine = Optimizer::variables();
  if (values.size() < mine.size())
    throw ValueError("Expected " + std::to_string(mine.size()) + " optimizer variables, received " +
                         std::to_string(values.size()) + ".",
                     {.expected = std::to_string(mine.size()), .received = std::to_string(values.size()),
                      .hint = "pass the values in the order of optimizer.variables()."});
  for (size_t i = 0; i < mine.size(); ++i)
    if (values[i].size() != mine[i].size())
      throw ValueError("Optimizer variable " + std::to_string(i) + " has shape " + to_string(mine[i].shape()) +
                           " not compatible with provided weight shape " + to_string(values[i].shape()) + ".",
                       {.expected = to_string(mine[i].shape()), .received = to_string(values[i].shape()),
                        .hint = "the optimizer state must come from an optimizer of the same kind on the same model."});
  size_t i = 0;
  iterations_ = static_cast<int64_t>(std::llround(values[i++].item()));
  if (!schedule_) learning_rate_ = values[i++].item();
  for (Tensor& a : averages_) std::copy_n(values[i++].data(), a.size(), a.data());
  for (const auto& [first, count] : groups_)
    for (auto& per_var : slots_)
      for (size_t j = first; j < first + count && j < per_var.size(); ++j)
        std::copy_n(values[i++].data(), per_var[j].size(), per_var[j].data());
}

kw::Kwargs Optimizer::get_config() const {
  kw::Kwargs c;
  c.set("name", name_);
  if (schedule_) {
    LearningRateArg lr;
    lr.schedule = schedule_;
    c.set("learning_rate", lr);
  } else {
    c.set("learning_rate", learning_rate());  // float(variable.numpy()): the float32 value
  }
  c.set("weight_decay", number_or_none(has_weight_decay_, weight_decay_));
  c.set("clipnorm", number_or_none(has_clipnorm_, clipnorm_));
  c.set("global_clipnorm", number_or_none(has_global_clipnorm_, global_clipnorm_));
  c.set("clipvalue", number_or_none(has_clipvalue_, clipvalue_));
  c.set("use_ema", use_ema_);
  c.set("ema_momentum", ema_momentum_);
  c.set("ema_overwrite_frequency", none());
  c.set("loss_scale_factor", none());
  c.set("gradient_accumulation_steps", none());
  for (const std::string& key : config_.keys()) {
    // The values were stored by the optimizer's own constructor as double, bool, int or string.
    if (config_.is_none(key)) {
      c.set(key, none());
      continue;
    }
    try {
      c.set(key, *config_.get<double>(key));
      continue;
    } catch (const TypeError&) {
    }
    try {
      c.set(key, *config_.get<bool>(key));
      continue;
    } catch (const TypeError&) {
    }
    try {
      c.set(key, *config_.get<int>(key));
      continue;
    } catch (const TypeError&) {
    }
    c.set(key, *config_.get<std::string>(key));
  }
  return c;
}

}  // namespace keras::optimizers
