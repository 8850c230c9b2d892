#pragma once
// keras.callbacks.ModelCheckpoint: saves the model (or its weights) every epoch or every N batches, optionally only
// when the monitored quantity improved.
//   callbacks::ModelCheckpoint("ckpt/{epoch:02d}-{val_loss:.2f}.keras", save_best_only=true)
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras::kw {
// The best value to beat before the first save with save_best_only (Keras's ModelCheckpoint argument).
KERAS_KEYWORD(initial_value_threshold, double);
}  // namespace keras::kw

namespace keras::callback_types {

// filepath is formatted as Python's str.format with epoch (1-based), batch (1-based, for save_freq=N) and the logs:
// "{epoch:02d}", "{val_loss:.2f}", "{loss:.3e}", "{epoch}". It must end in ".weights.h5" with
// save_weights_only=true (model.save_weights), otherwise in ".keras" or ".h5" (model.save); the directory is created.
// save_freq: "epoch" or a number of batches (100).
class ModelCheckpoint : public Callback {
 public:
  using keywords = kw::keywords<kw::filepath_t, kw::monitor_t, kw::verbose_t, kw::save_best_only_t,
                                kw::save_weights_only_t, kw::mode_t, kw::save_freq_t, kw::initial_value_threshold_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ModelCheckpoint(A&&... a) : ModelCheckpoint(kw::collect<ModelCheckpoint>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit ModelCheckpoint(std::string filepath, A&&... a)
      : ModelCheckpoint(kw::collect<ModelCheckpoint>(kw::filepath = std::move(filepath), std::forward<A>(a)...)) {}
  explicit ModelCheckpoint(const kw::Kwargs& kwargs);

  void on_train_batch_end(int batch, Logs& logs) override;
  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;

  // The path this epoch (0-based) and batch (0-based, or -1 at epoch end) save to.
  std::string file_path(int epoch, int batch, const Logs& logs) const;

  // Does the saving: save(model, path, weights_only). Defaults to model.save_weights(path) / model.save(path);
  // replace it to save elsewhere or to record the calls.
  std::function<void(Model&, const std::string&, bool)> saver;

  // The configuration and state, as Keras's attributes.
  std::string filepath;
  std::string monitor = "val_loss";
  int verbose = 0;
  bool save_best_only = false;
  bool save_weights_only = false;
  std::string mode = "auto";
  std::optional<int> save_freq;  // batches; nullopt: "epoch"
  std::optional<double> best;    // initial_value_threshold, then the best value saved

 private:
  void save_model(int epoch, int batch, const Logs& logs);
  bool should_save(int epoch, const Logs& logs, const std::string& path);
  bool improved(double value, double reference) const;
  void set_monitor_op();
  std::optional<bool> higher_is_better_;
  int current_epoch_ = 0;
  int batches_since_save_ = 0;
  int last_batch_seen_ = 0;
  std::set<std::string> warned_;
};

}  // namespace keras::callback_types
