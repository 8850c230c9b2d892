// SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision:
// keras/src/metrics/confusion_metrics.py (SensitivitySpecificityBase and its subclasses).
#include <algorithm>

#include "core/py_repr.hpp"
#include "keras/core/errors.hpp"
#include "keras/metrics/metrics.hpp"
#include "metrics/define_clone.hpp"

namespace keras::metric_types {

namespace {
namespace rates {
double divide_no_nan(double a, double b) { return b != 0 ? a / b : 0.0; }
}  // namespace rates
}  // namespace

detail::SensitivitySpecificityBase::SensitivitySpecificityBase(const kw::Kwargs& k, const std::string& class_name,
                                                               const std::string& value_key) {
  init_name(k, "", class_name);
  direction_ = "up";
  auto value = k.get<double>(value_key);
  if (!value)
    throw TypeError(class_name + ".__init__() missing 1 required positional argument: '" + value_key + "'",
                    {.layer = name_, .hint = "give the floor on the " + value_key + ", e.g. " + class_name + "(0.5)."});
  value_ = *value;
  if (value_ < 0 || value_ > 1)
    throw ValueError("Argument `" + value_key + "` must be in the range [0, 1]. Received: " + value_key + "=" +
                         py_float(value_),
                     {.layer = name_, .expected = value_key + " in [0, 1]", .received = py_float(value_),
                      .hint = value_key + " is a rate: 0.5 asks for at least 50%."});
  const int n = k.get_or("num_thresholds", 200);
  if (n <= 0)
    throw ValueError("Argument `num_thresholds` must be an integer > 0. Received: num_thresholds=" +
                         std::to_string(n),
                     {.layer = name_, .received = std::to_string(n), .hint = "the default is 200."});
  if (n == 1) {
    thresholds_ = {0.5};
    evenly_ = false;
  } else {
    thresholds_ = {0.0};
    for (int i = 0; i < n - 2; ++i) thresholds_.push_back((i + 1) * 1.0 / (n - 1));
    thresholds_.push_back(1.0);
  }
  class_id_ = k.get<int>("class_id");
  c_.reset(thresholds_.size());
}

void detail::SensitivitySpecificityBase::update_state(const Tensor& y_true, const Tensor& y_pred,
                                                      const Tensor* sample_weight) {
  update_confusion(c_, y_true, y_pred, sample_weight, thresholds_, evenly_, std::nullopt, class_id_);
}

void detail::SensitivitySpecificityBase::reset_state() { c_.reset(thresholds_.size()); }

std::vector<double> detail::SensitivitySpecificityBase::sensitivities() const {
  std::vector<double> r(thresholds_.size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = rates::divide_no_nan(c_.tp[i], c_.tp[i] + c_.fn[i]);
  return r;
}
std::vector<double> detail::SensitivitySpecificityBase::specificities() const {
  std::vector<double> r(thresholds_.size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = rates::divide_no_nan(c_.tn[i], c_.tn[i] + c_.fp[i]);
  return r;
}
std::vector<double> detail::SensitivitySpecificityBase::precisions() const {
  std::vector<double> r(thresholds_.size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = rates::divide_no_nan(c_.tp[i], c_.tp[i] + c_.fp[i]);
  return r;
}

// Keras's _find_max_under_constraint with ops.greater_equal (rates compared in float32, as Keras's variables are).
double detail::SensitivitySpecificityBase::best_where_at_least(const std::vector<double>& constrained,
                                                               const std::vector<double>& dependent) const {
  double best = 0.0;
  for (size_t i = 0; i < constrained.size(); ++i)
    if (static_cast<float>(constrained[i]) >= static_cast<float>(value_)) best = std::max(best, dependent[i]);
  return best;
}

#define KERAS_DEFINE_AT_METRIC(Class, value_key, constrained, dependent)                                 \
  Class::Class(const kw::Kwargs& k) : SensitivitySpecificityBase(k, #Class, value_key) {}                \
  double Class::result() const { return best_where_at_least(constrained(), dependent()); }               \
  KERAS_DEFINE_CLONE(Class)

KERAS_DEFINE_AT_METRIC(SensitivityAtSpecificity, "specificity", specificities, sensitivities)
KERAS_DEFINE_AT_METRIC(SpecificityAtSensitivity, "sensitivity", sensitivities, specificities)
KERAS_DEFINE_AT_METRIC(PrecisionAtRecall, "recall", sensitivities, precisions)
KERAS_DEFINE_AT_METRIC(RecallAtPrecision, "precision", precisions, sensitivities)

#undef KERAS_DEFINE_AT_METRIC

}  // namespace keras::metric_types
