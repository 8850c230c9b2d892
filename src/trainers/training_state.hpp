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

struct TrainingState {
  bool compiled = false;
  bool stop_training = false;
  // The epoch fit() starts from, when a callback's on_train_begin sets it (BackupAndRestore; Keras's
  // model._initial_epoch); fit() clears it.
  std::optional<int> resume_epoch;
  std::shared_ptr<optimizers::Optimizer> optimizer;
  std::vector<std::shared_ptr<const losses::Loss>> losses;  // one per output
  std::vector<double> loss_weights;                         // one per output
  MetricsArg metrics_given;                                 // compile's metrics= as given (for compile_config)
  std::vector<MetricArg> metric_args;                       // the list for every output, when given so
  std::vector<std::vector<MetricArg>> output_metric_args;   // one list per output
  // Resolved per output on first use (accuracy depends on the shapes), then reused and reset each epoch.
  std::vector<std::vector<std::shared_ptr<metric_types::Metric>>> metrics;
  std::vector<std::shared_ptr<metric_types::Metric>> val_metrics_flat;
  bool metrics_resolved = false;
};

}  // namespace keras
