// keras.optimizers.schedules (keras/src/optimizers/schedules/learning_rate_schedule.py), evaluated in double.
#include "keras/optimizers/schedules.hpp"

#include <cmath>
#include <numbers>

#include "keras/core/errors.hpp"
#include "optimizers/detail.hpp"

namespace keras::optimizers::schedules {

using detail::get_number;

namespace {

int positive_steps(const kw::Kwargs& k, const char* key, const std::string& cls) {
  const double v = *get_number(k, key);
  const int steps = static_cast<int>(v);
  if (v <= 0) {
    const std::string shown = v == std::floor(v) ? std::to_string(static_cast<int64_t>(v)) : py_float(v);
    throw ValueError(std::string("Argument `") + key + "` must be > 0. Received: " + key + "=" + shown,
                     {.expected = std::string(key) + " > 0", .received = shown,
                      .hint = cls + "'s " + key + " is a number of optimizer steps (batches): use a positive count."});
  }
  return steps;
}

std::any none() { return std::any(kw::Kwargs::None_{}); }

}  // namespace

// ---- ExponentialDecay ----

ExponentialDecay::ExponentialDecay(const kw::Kwargs& k) {
  detail::require(k, "ExponentialDecay", {"initial_learning_rate", "decay_steps", "decay_rate"});
  initial_learning_rate_ = *get_number(k, "initial_learning_rate");
  decay_steps_ = positive_steps(k, "decay_steps", "ExponentialDecay");
  decay_rate_ = *get_number(k, "decay_rate");
  staircase_ = k.get_or("staircase", false);
  name_ = k.get_or<std::string>("name", name_);
}

double ExponentialDecay::operator()(int64_t step) const {
  double p = static_cast<double>(step) / decay_steps_;
  if (staircase_) p = std::floor(p);
  return initial_learning_rate_ * std::pow(decay_rate_, p);
}

kw::Kwargs ExponentialDecay::get_config() const {
  kw::Kwargs c;
  c.set("initial_learning_rate", initial_learning_rate_);
  c.set("decay_steps", decay_steps_);
  c.set("decay_rate", decay_rate_);
  c.set("staircase", staircase_);
  c.set("name", name_);
  return c;
}

// ---- PiecewiseConstantDecay ----

PiecewiseConstantDecay::PiecewiseConstantDecay(const kw::Kwargs& k) {
  detail::require(k, "PiecewiseConstantDecay", {"boundaries", "values"});
  boundaries_ = *k.get<std::vector<double>>("boundaries");
  values_ = *k.get<std::vector<double>>("values");
  name_ = k.get_or<std::string>("name", name_);
  if (boundaries_.size() + 1 != values_.size())
    throw ValueError("The length of boundaries should be 1 less than the length of values. Received: boundaries=" +
                         detail::py_list(boundaries_, true) + " of length " + std::to_string(boundaries_.size()) +
                         ", and values=" + detail::py_list(values_, false) + " of length " +
                         std::to_string(values_.size()) + ".",
                     {.expected = "len(values) == " + std::to_string(boundaries_.size() + 1),
                      .received = "len(values) == " + std::to_string(values_.size()),
                      .hint = "give one value per interval: n boundaries split the steps into n + 1 intervals, e.g. "
                              "PiecewiseConstantDecay({1000, 2000}, {1e-2, 1e-3, 1e-4})."});
}

double PiecewiseConstantDecay::operator()(int64_t step) const {
  if (boundaries_.empty()) return values_.at(0);
  // Keras casts the boundaries to the step's integer type (truncation), then: values[0] for step <= b[0], values[i]
  // for b[i-1] < step <= b[i], values[-1] for step > b[-1].
  for (size_t i = 0; i < boundaries_.size(); ++i)
    if (static_cast<double>(step) <= std::trunc(boundaries_[i])) return values_[i];
  return values_.back();
}

kw::Kwargs PiecewiseConstantDecay::get_config() const {
  kw::Kwargs c;
  c.set("boundaries", boundaries_);
  c.set("values", values_);
  c.set("name", name_);
  return c;
}

// ---- PolynomialDecay ----

PolynomialDecay::PolynomialDecay(const kw::Kwargs& k) {
  detail::require(k, "PolynomialDecay", {"initial_learning_rate", "decay_steps"});
  initial_learning_rate_ = *get_number(k, "initial_learning_rate");
  decay_steps_ = positive_steps(k, "decay_steps", "PolynomialDecay");
  end_learning_rate_ = get_number(k, "end_learning_rate").value_or(end_learning_rate_);
  power_ = get_number(k, "power").value_or(power_);
  cycle_ = k.get_or("cycle", false);
  name_ = k.get_or<std::string>("name", name_);
}

double PolynomialDecay::operator()(int64_t step) const {
  double s = static_cast<double>(step);
  double steps = decay_steps_;
  if (cycle_) {
    // The first multiple of decay_steps that is >= step (1 at step 0).
    const double multiplier = s == 0 ? 1.0 : std::ceil(s / steps);
    steps *= multiplier;
  } else {
    s = std::min(s, steps);
  }
  const double p = s / steps;
  return (initial_learning_rate_ - end_learning_rate_) * std::pow(1 - p, power_) + end_learning_rate_;
}

kw::Kwargs PolynomialDecay::get_config() const {
  kw::Kwargs c;
  c.set("initial_learning_rate", initial_learning_rate_);
  c.set("decay_steps", decay_steps_);
  c.set("end_learning_rate", end_learning_rate_);
  c.set("power", power_);
  c.set("cycle", cycle_);
  c.set("name", name_);
  return c;
}

// ---- InverseTimeDecay ----

InverseTimeDecay::InverseTimeDecay(const kw::Kwargs& k) {
  detail::require(k, "InverseTimeDecay", {"initial_learning_rate", "decay_steps", "decay_rate"});
  initial_learning_rate_ = *get_number(k, "initial_learning_rate");
  decay_steps_ = positive_steps(k, "decay_steps", "InverseTimeDecay");
  decay_rate_ = *get_number(k, "decay_rate");
  staircase_ = k.get_or("staircase", false);
  name_ = k.get_or<std::string>("name", name_);
}

double InverseTimeDecay::operator()(int64_t step) const {
  double p = static_cast<double>(step) / decay_steps_;
  if (staircase_) p = std::floor(p);
  return initial_learning_rate_ / (1.0 + decay_rate_ * p);
}

kw::Kwargs InverseTimeDecay::get_config() const {
  kw::Kwargs c;
  c.set("initial_learning_rate", initial_learning_rate_);
  c.set("decay_steps", decay_steps_);
  c.set("decay_rate", decay_rate_);
  c.set("staircase", staircase_);
  c.set("name", name_);
  return c;
}

// ---- CosineDecay ----

CosineDecay::CosineDecay(const kw::Kwargs& k) {
  detail::require(k, "CosineDecay", {"initial_learning_rate", "decay_steps"});
  initial_learning_rate_ = *get_number(k, "initial_learning_rate");
  decay_steps_ = positive_steps(k, "decay_steps", "CosineDecay");
  alpha_ = get_number(k, "alpha").value_or(0.0);
  warmup_target_ = get_number(k, "warmup_target");
  warmup_steps_ = static_cast<int>(get_number(k, "warmup_steps").value_or(0.0));
  name_ = k.get_or<std::string>("name", name_);
}

double CosineDecay::operator()(int64_t step) const {
  const double steps = decay_steps_;
  auto decayed = [&](double s, double from) {
    const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * (s / steps)));
    return from * ((1.0 - alpha_) * cosine + alpha_);
  };
  double s = static_cast<double>(step);
  if (!warmup_target_) return decayed(std::min(s, steps), initial_learning_rate_);
  const double warmup = warmup_steps_;
  s = std::min(s, steps + warmup);
  if (s < warmup) return (*warmup_target_ - initial_learning_rate_) * (s / warmup) + initial_learning_rate_;
  return decayed(s - warmup, *warmup_target_);
}

kw::Kwargs CosineDecay::get_config() const {
  kw::Kwargs c;
  c.set("initial_learning_rate", initial_learning_rate_);
  c.set("decay_steps", decay_steps_);
  c.set("alpha", alpha_);
  c.set("name", name_);
  c.set("warmup_target", warmup_target_ ? std::any(*warmup_target_) : none());
  c.set("warmup_steps", warmup_steps_);
  return c;
}

// ---- CosineDecayRestarts ----

CosineDecayRestarts::CosineDecayRestarts(const kw::Kwargs& k) {
  detail::require(k, "CosineDecayRestarts", {"initial_learning_rate", "first_decay_steps"});
  initial_learning_rate_ = *get_number(k, "initial_learning_rate");
  first_decay_steps_ = positive_steps(k, "first_decay_steps", "CosineDecayRestarts");
  t_mul_ = get_number(k, "t_mul").value_or(t_mul_);
  m_mul_ = get_number(k, "m_mul").value_or(m_mul_);
  alpha_ = get_number(k, "alpha").value_or(alpha_);
  name_ = k.get_or<std::string>("name", name_);
}

double CosineDecayRestarts::operator()(int64_t step) const {
  double fraction = static_cast<double>(step) / first_decay_steps_;
  double restart;
  if (t_mul_ == 1.0) {
    restart = std::floor(fraction);
    fraction -= restart;
  } else {
    // Periods grow geometrically: the restart index from the sum of the geometric series.
    restart = std::floor(std::log(1.0 - fraction * (1.0 - t_mul_)) / std::log(t_mul_));
    const double sum_r = (1.0 - std::pow(t_mul_, restart)) / (1.0 - t_mul_);
    fraction = (fraction - sum_r) / std::pow(t_mul_, restart);
  }
  const double cosine = 0.5 * std::pow(m_mul_, restart) * (1.0 + std::cos(std::numbers::pi * fraction));
  return initial_learning_rate_ * ((1.0 - alpha_) * cosine + alpha_);
}

kw::Kwargs CosineDecayRestarts::get_config() const {
  kw::Kwargs c;
  c.set("initial_learning_rate", initial_learning_rate_);
  c.set("first_decay_steps", first_decay_steps_);
  c.set("t_mul", t_mul_);
  c.set("m_mul", m_mul_);
  c.set("alpha", alpha_);
  c.set("name", name_);
  return c;
}

}  // namespace keras::optimizers::schedules
