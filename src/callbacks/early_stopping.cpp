// keras.callbacks.EarlyStopping, following keras/src/callbacks/early_stopping.py (Keras 3).
#include "keras/callbacks/early_stopping.hpp"

#include <cmath>

#include "callbacks/callback_utils.hpp"
#include "keras/core/errors.hpp"
#include "keras/models/model.hpp"

namespace keras::callback_types {

EarlyStopping::EarlyStopping(const kw::Kwargs& k) {
  monitor = k.get_or<std::string>("monitor", "val_loss");
  min_delta = std::fabs(k.get_or("min_delta", 0.0));
  patience = k.get_or("patience", 0);
  verbose = k.get_or<Verbosity>("verbose", Verbosity(0)).level;
  baseline = k.get<double>("baseline");
  restore_best_weights = k.get_or("restore_best_weights", false);
  start_from_epoch = k.get_or("start_from_epoch", 0);
  mode = k.get_or<std::string>("mode", "auto");
  if (mode != "auto" && mode != "min" && mode != "max") {
    detail::warn("EarlyStopping mode " + mode + " is unknown, fallback to auto mode.");
    mode = "auto";
  }
}

void EarlyStopping::on_train_begin(Logs&) {
  // Allows an instance to be reused.
  wait = 0;
  stopped_epoch = 0;
  best.reset();
  best_weights.reset();
  best_epoch = 0;
}

bool EarlyStopping::improved(double value, double reference) const {
  // monitor_op(value - min_delta, reference), with min_delta negated for "min".
  return *higher_is_better_ ? value - min_delta > reference : value + min_delta < reference;
}

void EarlyStopping::on_epoch_end(int epoch, Logs& logs) {
  if (!higher_is_better_) {
    if (mode == "min") higher_is_better_ = false;
    else if (mode == "max") higher_is_better_ = true;
    else higher_is_better_ = detail::higher_is_better(monitor);
    if (!higher_is_better_)
      throw ValueError("EarlyStopping callback received monitor=" + monitor +
                           " but Keras isn't able to automatically determine whether that metric should be "
                           "maximized or minimized. Pass `mode='max'` in order to do early stopping based on the "
                           "highest metric value, or pass `mode='min'` in order to use the lowest value.",
                       ErrorDetails{.hint = "pass mode=\"max\" when larger values of `" + monitor +
                                            "` are better, mode=\"min\" otherwise."});
  }
  auto it = logs.find(monitor);
  if (it == logs.end()) {
    std::string available;
    for (const auto& [key, value] : logs) available += (available.empty() ? "" : ",") + key;
    detail::warn("Early stopping conditioned on metric `" + monitor + "` which is not available. Available metrics "
                 "are: " + available,
                 &warned_);
    return;
  }
  if (epoch < start_from_epoch) return;  // still warming up
  const double current = it->second;
  if (restore_best_weights && !best_weights) {
    // Until something improves, the current weights are the best.
    best_weights = model().get_weights();
    best_epoch = epoch;
  }
  ++wait;
  if (!best || improved(current, *best)) {
    best = current;
    best_epoch = epoch;
    if (restore_best_weights) best_weights = model().get_weights();
    // The wait restarts only when the value beats both the previous best and the baseline.
    if (!baseline || improved(current, *baseline)) wait = 0;
    return;
  }
  if (wait >= patience && epoch > 0) {
    stopped_epoch = epoch;
    model().stop_training = true;
  }
}

void EarlyStopping::on_train_end(Logs&) {
  if (stopped_epoch > 0 && verbose > 0)
    detail::print_msg("Epoch " + std::to_string(stopped_epoch + 1) + ": early stopping");
  if (restore_best_weights && best_weights) {
    if (verbose > 0)
      detail::print_msg("Restoring model weights from the end of the best epoch: " + std::to_string(best_epoch + 1) +
                        ".");
    model().set_weights(*best_weights);
  }
}

}  // namespace keras::callback_types
