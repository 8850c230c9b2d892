#pragma once
// keras.callbacks.BackupAndRestore: backs up the model (weights and optimizer state) and the number of finished
// epochs into backup_dir while training, so that fit() run again after an interruption resumes where the backup
// left off; the directory is deleted when training finishes.
//   model.fit(x, y, epochs=10, callbacks={callbacks::BackupAndRestore("/tmp/backup")});
// Files, as Keras writes them: backup_dir/latest.weights.h5 (model.save_weights) and
// backup_dir/training_metadata.json ({"epoch": finished epochs, "batch": last batch seen}). A backup made in the
// middle of an epoch resumes at the start of that epoch.
#include <optional>
#include <string>
#include <utility>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras::kw {
KERAS_KEYWORD(backup_dir, std::string);
KERAS_KEYWORD(double_checkpoint, bool);
KERAS_KEYWORD(delete_checkpoint, bool);
}  // namespace keras::kw

namespace keras::callback_types {

// save_freq: "epoch" (after every epoch) or a number of batches (100). double_checkpoint=true keeps the previous
// backup beside the latest (as "<file>.bkp") and falls back to it when the latest cannot be read.
// delete_checkpoint=false keeps the backup after training ends.
class BackupAndRestore : public Callback {
 public:
  using keywords = kw::keywords<kw::backup_dir_t, kw::save_freq_t, kw::double_checkpoint_t, kw::delete_checkpoint_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit BackupAndRestore(A&&... a) : BackupAndRestore(kw::collect<BackupAndRestore>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit BackupAndRestore(std::string backup_dir, A&&... a)
      : BackupAndRestore(
            kw::collect<BackupAndRestore>(kw::backup_dir = std::move(backup_dir), std::forward<A>(a)...)) {}
  explicit BackupAndRestore(const kw::Kwargs& kwargs);

  void on_train_begin(Logs& logs) override;
  void on_train_end(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_batch_end(int batch, Logs& logs) override;

  std::string backup_dir;
  std::optional<int> save_freq;  // batches; nullopt: "epoch"
  bool double_checkpoint = false;
  bool delete_checkpoint = true;

  std::string weights_path() const { return backup_dir + "/latest.weights.h5"; }
  std::string metadata_path() const { return backup_dir + "/training_metadata.json"; }

 private:
  void save_model();
  void load_model();
  int current_epoch_ = 0;
  int last_batch_seen_ = 0;
  int batches_since_save_ = 0;
};

}  // namespace keras::callback_types
