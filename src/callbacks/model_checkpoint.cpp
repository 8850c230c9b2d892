// keras.callbacks.ModelCheckpoint, following keras/src/callbacks/model_checkpoint.py and monitor_callback.py
// (Keras 3).
#include "keras/callbacks/model_checkpoint.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "callbacks/callback_utils.hpp"
#include "keras/core/errors.hpp"
#include "keras/models/model.hpp"

namespace keras::callback_types {

namespace {


void save_with_model(Model& model, const std::string& path, bool weights_only) {
  if (weights_only) model.save_weights(path);
  else model.save(path);
}

}  // namespace

ModelCheckpoint::ModelCheckpoint(const kw::Kwargs& k) {
  auto path = k.get<std::string>("filepath");
  if (!path)
    throw TypeError("ModelCheckpoint.__init__() missing 1 required positional argument: 'filepath'",
                    ErrorDetails{.hint = "pass the path to save to: ModelCheckpoint(\"model.keras\")."});
  filepath = *path;
  monitor = k.get_or<std::string>("monitor", "val_loss");
  verbose = k.get_or<Verbosity>("verbose", Verbosity(0)).level;
  save_best_only = k.get_or("save_best_only", false);
  save_weights_only = k.get_or("save_weights_only", false);
  best = k.get<double>("initial_value_threshold");
  mode = k.get_or<std::string>("mode", "auto");
  if (mode != "auto" && mode != "min" && mode != "max") {
    detail::warn("ModelCheckpoint mode '" + mode + "' is unknown, fallback to auto mode.");
    mode = "auto";
  }
  const std::string freq = k.get_or<Frequency>("save_freq", "epoch").text;
  if (int batches = 0; freq != "epoch") {
    if (!detail::parse_batch_count(freq, batches))
      throw ValueError("Unrecognized save_freq: " + freq + ". Expected save_freq are 'epoch' or integer values",
                       ErrorDetails{.received = freq, .hint = "use save_freq=\"epoch\" or a number of batches, "
                                                              "e.g. save_freq=100."});
    save_freq = batches;
  }
  if (save_weights_only) {
    if (!filepath.ends_with(".weights.h5"))
      throw ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end in "
                       "`.weights.h5` (Keras weights format). Received: filepath=" + filepath,
                       ErrorDetails{.received = filepath, .hint = "name the file like \"ckpt.weights.h5\"."});
  } else if (!filepath.ends_with(".keras") && !filepath.ends_with(".h5")) {
    throw ValueError("The filepath provided must end in `.keras` (Keras model format). Received: filepath=" + filepath,
                     ErrorDetails{.received = filepath, .hint = "name the file like \"model.keras\", or pass "
                                                                "save_weights_only=true with \"ckpt.weights.h5\"."});
  }
  saver = [](Model& model, const std::string& p, bool weights_only) { save_with_model(model, p, weights_only); };
}

void ModelCheckpoint::set_monitor_op() {
  if (higher_is_better_) return;
  if (mode == "min") higher_is_better_ = false;
  else if (mode == "max") higher_is_better_ = true;
  else higher_is_better_ = detail::higher_is_better(monitor);
  if (!higher_is_better_)
    throw ValueError("ModelCheckpoint callback received monitor=" + monitor +
                         ", but Keras isn't able to automatically determine whether that metric should be maximized "
                         "or minimized. Pass `mode='max'` in order to monitor based on the highest metric value, or "
                         "pass `mode='min'` in order to use the lowest value.",
                     ErrorDetails{.hint = "pass mode=\"max\" when larger values of `" + monitor +
                                          "` are better, mode=\"min\" otherwise."});
}

bool ModelCheckpoint::improved(double value, double reference) const {
  return *higher_is_better_ ? value > reference : value < reference;
}

void ModelCheckpoint::on_train_batch_end(int batch, Logs& logs) {
  if (!save_freq) return;
  // Counts batches across epochs (a batch index that does not increase starts a new epoch).
  const int add = batch <= last_batch_seen_ ? batch + 1 : batch - last_batch_seen_;
  batches_since_save_ += add;
  last_batch_seen_ = batch;
  if (batches_since_save_ >= *save_freq) {
    batches_since_save_ = 0;
    save_model(current_epoch_, batch, logs);
  }
}

void ModelCheckpoint::on_epoch_begin(int epoch, Logs&) { current_epoch_ = epoch; }

void ModelCheckpoint::on_epoch_end(int epoch, Logs& logs) {
  set_monitor_op();
  if (!best) best = *higher_is_better_ ? -INFINITY : INFINITY;
  if (!save_freq) save_model(epoch, -1, logs);
}

std::string ModelCheckpoint::file_path(int epoch, int batch, const Logs& logs) const {
  std::map<std::string, detail::FormatValue> fields;
  for (const auto& [key, value] : logs) fields[key] = value;
  fields["epoch"] = static_cast<int64_t>(epoch + 1);
  if (batch >= 0 && !logs.count("batch")) fields["batch"] = static_cast<int64_t>(batch + 1);
  try {
    return detail::python_format(filepath, fields);
  } catch (const std::out_of_range& e) {
    std::string available = "epoch";
    if (batch >= 0) available += ", batch";
    for (const auto& [key, value] : logs) available += ", " + key;
    throw ValueError("Failed to format this callback filepath: \"" + filepath + "\". Reason: '" +
                         std::string(e.what()) + "'",
                     ErrorDetails{.received = filepath,
                                  .hint = "the placeholders can name: " + available + "."});
  }
}

bool ModelCheckpoint::should_save(int epoch, const Logs& logs, const std::string& path) {
  if (!save_best_only) {
    if (verbose > 0) detail::print_msg("\nEpoch " + std::to_string(epoch + 1) + ": saving model to " + path);
    return true;
  }
  auto it = logs.find(monitor);
  if (it == logs.end()) {
    detail::warn("Can save best model only with " + monitor + " available.", &warned_);
    return true;
  }
  const double current = it->second;
  char buf[64];
  std::string best_str = "None";
  if (best) {
    std::snprintf(buf, sizeof buf, "%.5f", *best);
    best_str = std::isnan(*best) ? "nan" : buf;
  }
  bool is_improvement = true;  // nothing to beat yet
  if (best) {
    set_monitor_op();
    is_improvement = improved(current, *best);
  }
  if (is_improvement) {
    if (verbose > 0) {
      std::snprintf(buf, sizeof buf, "%.5f", current);
      detail::print_msg("\nEpoch " + std::to_string(epoch + 1) + ": " + monitor + " improved from " + best_str +
                        " to " + (std::isnan(current) ? std::string("nan") : std::string(buf)) +
                        ", saving model to " + path);
    }
    best = current;
    return true;
  }
  if (verbose > 0)
    detail::print_msg("\nEpoch " + std::to_string(epoch + 1) + ": " + monitor + " did not improve from " + best_str);
  return false;
}

void ModelCheckpoint::save_model(int epoch, int batch, const Logs& logs) {
  const std::string path = file_path(epoch, batch, logs);
  if (!should_save(epoch, logs, path)) return;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent)) std::filesystem::create_directories(parent);
  if (std::filesystem::is_directory(path))
    throw ValueError("Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an existing "
                     "directory: " + path,
                     ErrorDetails{.received = path, .hint = "give a file name, e.g. \"" + path + "/model.keras\"."});
  if (saver) saver(model(), path, save_weights_only);
}

}  // namespace keras::callback_types
