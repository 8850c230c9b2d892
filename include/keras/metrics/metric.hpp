#pragma once
// The metric interface: stateful metrics as Keras's (update_state / result / reset_state).
#include <memory>
#include <string>
#include <vector>

#include "keras/core/args.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/shape.hpp"
#include "keras/core/tensor.hpp"

namespace keras::metric_types {

class Metric {
 public:
  virtual ~Metric() = default;
  // The name shown in logs and History: "accuracy", "mae", "precision", ...
  virtual std::string name() const = 0;
  virtual void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor* sample_weight = nullptr) = 0;
  virtual double result() const = 0;
  // Every value of the result: several for metrics whose Keras result is a vector (Precision with a list of
  // thresholds, F1Score with average=None, R2Score with class_aggregation=None); result() is then their mean.
  virtual std::vector<double> result_values() const { return {result()}; }
  // Keras's Metric._direction: "up" (accuracy, AUC, precision, ...) or "down" (errors, cross-entropies) when the
  // metric says which way is better, "" otherwise. EarlyStopping(mode="auto") reads it.
  virtual std::string direction() const { return ""; }
  virtual void reset_state() = 0;
  // A fresh metric of the same kind and configuration (the trainer keeps separate ones per output).
  virtual std::shared_ptr<Metric> clone() const = 0;
  virtual kw::Kwargs get_config() const { return {}; }
};

// Resolves a metric for one model output. "accuracy"/"acc" resolve by the shapes as Keras's compile_utils does
// (binary if y_pred's last dim is 1; sparse if y_true has lower rank, or its last dim is 1 while y_pred's is > 1;
// categorical otherwise), likewise "crossentropy"/"ce". The metric's name is the string the user gave ("acc" logs
// as "acc"). An unknown name is a ValueError listing the valid ones.
std::shared_ptr<Metric> get(const MetricArg& arg, const Shape& y_true, const Shape& y_pred);
std::vector<std::string> names();

}  // namespace keras::metric_types

namespace keras::kw {
// metrics={"accuracy", metrics::Precision()} (or per output: see MetricsArg). The struct `metrics` holding the
// metric classes is declared beside it
// in keras/metrics/metrics.hpp, in this same scope (a variable and a class may share a name; `metrics::X` finds the
// class, `metrics=` the keyword).
KERAS_KEYWORD(metrics, MetricsArg);
// weighted_metrics=: the same forms as metrics=; these metrics are updated with the sample weights (and the class
// weights), the ones in metrics= are not (Keras 3's CompileMetrics).
KERAS_KEYWORD(weighted_metrics, MetricsArg);
}  // namespace keras::kw
