#pragma once
// What compile() sets up and fit()/evaluate() use: one per model, shared by all handles of it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/core/args.hpp"
#include "keras/losses/loss.hpp"
#include "keras/metrics/metric.hpp"
#include "keras/optimizers/optimizer.hpp"

namespace keras {

// One metric of compile(), as Keras 3's CompileMetrics holds it: for which output, whether it sees the sample weights
// (weighted_metrics=) and the name it logs under ("accuracy", "out_accuracy", "weighted_accuracy", "accuracy_1").
struct CompiledMetric {
  size_t output = 0;
  bool weighted = false;
  std::string name;
  std::shared_ptr<metric_types::Metric> metric;
};
// Keras's order: every output's metrics, then every output's weighted metrics.
using CompiledMetrics = std::vector<CompiledMetric>;

struct TrainingState {
  bool compiled = false;
  bool stop_training = false;
  // The epoch fit() starts from, when a callback's on_train_begin sets it (BackupAndRestore; Keras's
  // model._initial_epoch); fit() clears it.
  std::optional<int> resume_epoch;
  std::shared_ptr<optimizers::Optimizer> optimizer;
  std::vector<std::shared_ptr<const losses::Loss>> losses;  // one per output
  std::vector<double> loss_weights;                         // one per output
  // compile's metrics= and weighted_metrics= as given (for compile_config), and each output's list of them.
  MetricsArg metrics_given, weighted_metrics_given;
  std::vector<std::vector<MetricArg>> output_metric_args, output_weighted_metric_args;
  // Resolved on first use (accuracy depends on the shapes), then reused and reset each epoch, in Keras's order.
  CompiledMetrics metrics;
  bool metrics_resolved = false;
};

}  // namespace keras
