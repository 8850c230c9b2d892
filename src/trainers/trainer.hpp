#pragma once
// The training and evaluation loop behind Model::fit / evaluate / train_on_batch.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "keras/callbacks/callback.hpp"
#include "backend/flush_denormals.hpp"
#include "keras/models/model.hpp"
#include "trainers/training_state.hpp"

namespace keras {

// The ProgbarLogger fit adds for verbose > 0 (defined with the callbacks).
std::shared_ptr<Callback> make_progbar_logger(int verbose);

class Trainer {
 public:
  explicit Trainer(Model& model);

  // Checks targets against outputs (count, cardinality, loss shapes) and resolves the metrics for these shapes.
  void prepare(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys);
  // A dataset batch's x (in input order) and y (in output order), checked as fit checks arrays. The targets are
  // checked against the outputs again only when the batch's shapes differ from the last batch's.
  std::pair<std::vector<Tensor>, std::vector<Tensor>> prepare_batch(const Data& x, const Data& y);
  // One optimizer step; returns the batch's total loss.
  double train_step(const std::vector<Tensor>& xb, const std::vector<Tensor>& yb, const Tensor& sample_weight);
  // Loss of one batch in inference mode; updates the given metrics.
  double test_step(const std::vector<Tensor>& xb, const std::vector<Tensor>& yb, const Tensor& sample_weight,
                   CompiledMetrics& metrics);
  // Each metric's result under its name, with a prefix ("val_") if given.
  static void write_metric_logs(Logs& logs, const CompiledMetrics& metrics, const std::string& prefix);
  CompiledMetrics& train_metrics() { return state_->metrics; }
  // Fresh copies of the metrics, for validation.
  CompiledMetrics cloned_metrics() const;
  // Each output's loss times its loss_weight in the last train_step or test_step. Keras 3 tracks them, for a model
  // with several outputs, as the metrics "<output layer>_loss" (CompileLoss's Mean per output).
  const std::vector<double>& output_losses() const { return output_losses_; }
  // Those metrics' names: one per output when there are several, none for one output.
  static std::vector<std::string> output_loss_names(const FunctionalImpl& graph);

 private:
  double compute_losses(const std::vector<Tensor>& outputs, CallContext& ctx, const std::vector<Tensor>& yb,
                        const Tensor& sample_weight, std::vector<Tensor>* grads);
  detail::FlushDenormalsScope flush_denormals_;  // for the trainer's whole life: fit, evaluate, *_on_batch
  Model& model_;
  FunctionalImpl& graph_;
  std::shared_ptr<TrainingState> state_;
  std::vector<bool> fused_;  // per output: the loss works from the output layer's logits
  std::vector<double> output_losses_;
  std::vector<Shape> prepared_shapes_;  // the x and y shapes prepare_batch last checked
};

}  // namespace keras
