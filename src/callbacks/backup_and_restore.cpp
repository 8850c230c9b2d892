// keras.callbacks.BackupAndRestore (keras/src/callbacks/backup_and_restore.py).
#include "keras/callbacks/backup_and_restore.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "callbacks/callback_utils.hpp"
#include "keras/core/errors.hpp"
#include "keras/models/model.hpp"
#include "trainers/training_state.hpp"

namespace keras::callback_types {

namespace fs = std::filesystem;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out)
    throw ValueError("Could not write the training metadata to " + path + ".",
                  {.received = path, .hint = "check that backup_dir is writable."});
}

std::string backup_of(const std::string& path) { return path + ".bkp"; }

}  // namespace

BackupAndRestore::BackupAndRestore(const kw::Kwargs& k) {
  backup_dir = k.get_or<std::string>("backup_dir", "");
  if (backup_dir.empty())
    throw ValueError("Empty `backup_dir` argument passed",
                     {.hint = "give a directory for the backup, e.g. BackupAndRestore(\"/tmp/backup\")."});
  const std::string freq = k.get_or<Frequency>("save_freq", "epoch").text;
  if (int batches = 0; freq != "epoch") {
    if (!detail::parse_batch_count(freq, batches))
      throw ValueError("Invalid value for argument `save_freq`. Received: save_freq=" + freq +
                           ". Expected either 'epoch' or an integer value.",
                       {.received = freq, .hint = "use save_freq=\"epoch\" or a number of batches, e.g. "
                                                  "save_freq=100."});
    save_freq = batches;
  }
  double_checkpoint = k.get_or("double_checkpoint", false);
  delete_checkpoint = k.get_or("delete_checkpoint", true);
}

void BackupAndRestore::on_train_begin(Logs&) {
  current_epoch_ = 0;
  last_batch_seen_ = 0;
  batches_since_save_ = 0;
  try {
    load_model();
  } catch (const std::exception&) {
    // A latest backup that cannot be read: the previous one takes its place, as Keras's double checkpoint does.
    if (!double_checkpoint || !fs::exists(backup_of(weights_path()))) throw;
    fs::copy_file(backup_of(weights_path()), weights_path(), fs::copy_options::overwrite_existing);
    if (fs::exists(backup_of(metadata_path())))
      fs::copy_file(backup_of(metadata_path()), metadata_path(), fs::copy_options::overwrite_existing);
    else if (fs::exists(metadata_path()))
      fs::remove(metadata_path());
    load_model();
  }
}

void BackupAndRestore::load_model() {
  if (fs::exists(weights_path())) model().load_weights(weights_path());
  if (!fs::exists(metadata_path())) return;
  nlohmann::json meta = nlohmann::json::parse(read_text(metadata_path()), nullptr, false);
  if (meta.is_discarded() || !meta.is_object() || !meta.contains("epoch") || !meta["epoch"].is_number_integer())
    throw ValueError("The training metadata " + metadata_path() + " is not a backup's: expected {\"epoch\": ..., "
                     "\"batch\": ...}.",
                     {.received = metadata_path(),
                      .hint = "delete backup_dir to start training from the beginning."});
  const int epoch = meta["epoch"].get<int>();
  current_epoch_ = epoch;
  model().graph().training_state()->resume_epoch = epoch;
}

void BackupAndRestore::save_model() {
  fs::create_directories(backup_dir);
  if (double_checkpoint) {
    if (fs::exists(weights_path()))
      fs::copy_file(weights_path(), backup_of(weights_path()), fs::copy_options::overwrite_existing);
    if (fs::exists(metadata_path()))
      fs::copy_file(metadata_path(), backup_of(metadata_path()), fs::copy_options::overwrite_existing);
  }
  model().save_weights(weights_path());
  write_text(metadata_path(), "{\"epoch\": " + std::to_string(current_epoch_) +
                                  ", \"batch\": " + std::to_string(last_batch_seen_) + "}");
}

void BackupAndRestore::on_epoch_end(int epoch, Logs&) {
  current_epoch_ = epoch + 1;
  last_batch_seen_ = 0;
  if (!save_freq) save_model();
}

void BackupAndRestore::on_train_batch_end(int batch, Logs&) {
  if (!save_freq) return;
  batches_since_save_ += batch <= last_batch_seen_ ? batch + 1 : batch - last_batch_seen_;
  last_batch_seen_ = batch;
  if (batches_since_save_ >= *save_freq) {
    batches_since_save_ = 0;
    save_model();
  }
}

void BackupAndRestore::on_train_end(Logs&) {
  if (delete_checkpoint && fs::exists(backup_dir)) fs::remove_all(backup_dir);
}

}  // namespace keras::callback_types
