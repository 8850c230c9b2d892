// keras.callbacks.ReduceLROnPlateau, following keras/src/callbacks/reduce_lr_on_plateau.py (Keras 3).
#include "keras/callbacks/reduce_lr_on_plateau.hpp"

#include <algorithm>
#include <cmath>

#include "callbacks/callback_utils.hpp"
#include "keras/core/errors.hpp"
#include "keras/models/model.hpp"
#include "keras/optimizers/optimizer.hpp"

namespace keras::callback_types {

namespace {
optimizers::Optimizer& optimizer_of(Model& model, const char* who) {
  auto opt = model.optimizer();
  if (!opt)
    throw ValueError(std::string(who) + " needs the model's optimizer, but the model has not been compiled.",
                     ErrorDetails{.hint = "call model.compile(optimizer=..., loss=...) before fit."});
  return *opt;
}
}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(const kw::Kwargs& k) {
  monitor = k.get_or<std::string>("monitor", "val_loss");
  factor = k.get_or("factor", 0.1);
  if (factor >= 1.0)
    throw ValueError("ReduceLROnPlateau does not support a factor >= 1.0. Received factor=" +
                         py_float(factor),
                     ErrorDetails{.received = py_float(factor),
                                  .hint = "new_lr = lr * factor: use a factor below 1, e.g. factor=0.1."});
  patience = k.get_or("patience", 10);
  verbose = k.get_or<Verbosity>("verbose", Verbosity(0)).level;
  mode = k.get_or<std::string>("mode", "auto");
  min_delta = k.get_or("min_delta", 1e-4);
  cooldown = k.get_or("cooldown", 0);
  min_lr = k.get_or("min_lr", 0.0);
  reset();
}

void ReduceLROnPlateau::reset() {
  if (mode != "auto" && mode != "min" && mode != "max") {
    detail::warn("Learning rate reduction mode " + mode + " is unknown, fallback to auto mode.");
    mode = "auto";
  }
  higher_is_better_ = !(mode == "min" || (mode == "auto" && monitor.find("acc") == std::string::npos));
  best = higher_is_better_ ? -INFINITY : INFINITY;
  cooldown_counter = 0;
  wait = 0;
}

bool ReduceLROnPlateau::improved(double value) const {
  return higher_is_better_ ? value > best + min_delta : value < best - min_delta;
}

void ReduceLROnPlateau::on_train_begin(Logs&) { reset(); }

void ReduceLROnPlateau::on_epoch_end(int epoch, Logs& logs) {
  optimizers::Optimizer& opt = optimizer_of(model(), "ReduceLROnPlateau");
  logs["learning_rate"] = opt.learning_rate();
  auto it = logs.find(monitor);
  if (it == logs.end()) {
    std::string available;
    for (const auto& [key, value] : logs) available += (available.empty() ? "" : ",") + key;
    detail::warn("Learning rate reduction is conditioned on metric `" + monitor +
                     "` which is not available. Available metrics are: " + available + ".",
                 &warned_);
    return;
  }
  const double current = it->second;
  if (in_cooldown()) {
    --cooldown_counter;
    wait = 0;
  }
  if (improved(current)) {
    best = current;
    wait = 0;
  } else if (!in_cooldown()) {
    ++wait;
    if (wait >= patience) {
      const double old_lr = opt.learning_rate();
      // Keras compares with min_lr as a float32 (the learning rate variable's dtype).
      if (old_lr > static_cast<double>(static_cast<float>(min_lr))) {
        const double new_lr = std::max(old_lr * factor, min_lr);
        opt.set_learning_rate(new_lr);
        if (verbose > 0)
          detail::print_msg("\nEpoch " + std::to_string(epoch + 1) + ": ReduceLROnPlateau reducing learning rate to " +
                            py_float(new_lr) + ".");
        cooldown_counter = cooldown;
        wait = 0;
      }
    }
  }
}

}  // namespace keras::callback_types
