#pragma once
// keras.callbacks.TensorBoard: writes the event files TensorBoard shows (`tensorboard --logdir logs`) while fit()
// trains: the losses and metrics of every epoch, the learning rate, optionally each batch's values, weight
// histograms and images, and the model's config for TensorBoard's graph view.
//   model.fit(x, y, epochs=5, validation_split=0.1, callbacks={callbacks::TensorBoard("logs", histogram_freq=1)});
// As Keras 3, with TensorFlow's tf.summary file format (TensorBoard reads it as it reads Keras's own):
//   log_dir/train/events.out.tfevents.*.v2       epoch_<name> per epoch (step = epoch, 0-based) for every log that is
//                                                not "val_", epoch_learning_rate, epoch_steps_per_second when asked;
//                                                batch_<name> every update_freq batches (step = batch count since
//                                                fit began, 1-based); <layer>/<weight>/histogram and /image per
//                                                histogram_freq epochs; the model's JSON as "keras" (write_graph).
//   log_dir/validation/events.out.tfevents.*.v2  epoch_<name> for the "val_" logs (prefix removed), and
//                                                evaluation_<name>_vs_iterations (step = optimizer iterations) at the
//                                                end of every validation and every evaluate() with this callback.
// Each fit() opens new event files, as Keras does; TensorBoard joins them by directory.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras::tensorboard {
class EventFileWriter;
}  // namespace keras::tensorboard

namespace keras::callback_types {

// embeddings_metadata=: one metadata file for every Embedding layer ("meta.tsv"), or one per layer name
// (std::map<std::string, std::string>{{"embedding", "words.tsv"}}).
struct EmbeddingsMetadata {
  std::optional<std::string> every_layer;
  std::map<std::string, std::string> by_layer;
  EmbeddingsMetadata(const char* file) : every_layer(file) {}
  EmbeddingsMetadata(std::string file) : every_layer(std::move(file)) {}
  EmbeddingsMetadata(std::map<std::string, std::string> files) : by_layer(std::move(files)) {}
};

}  // namespace keras::callback_types

namespace keras::kw {
KERAS_KEYWORD(log_dir, std::string);
KERAS_KEYWORD(histogram_freq, int);
KERAS_KEYWORD(write_graph, bool);
KERAS_KEYWORD(write_images, bool);
KERAS_KEYWORD(write_steps_per_second, bool);
KERAS_KEYWORD(update_freq, Frequency);
KERAS_KEYWORD(profile_batch, int);
KERAS_KEYWORD(embeddings_freq, int);
KERAS_KEYWORD(embeddings_metadata, callback_types::EmbeddingsMetadata);
}  // namespace keras::kw

namespace keras::callback_types {

// Keras's defaults: log_dir "logs", histogram_freq 0 (no histograms), write_graph true, write_images false,
// write_steps_per_second false, update_freq "epoch" ("batch" = 1, or a number of batches), profile_batch 0 (the
// profiler is TensorFlow's and JAX's: anything else is refused), embeddings_freq 0.
// embeddings_freq=N saves the weights as log_dir/train/keras_embedding.ckpt-<epoch>.weights.h5 every N epochs and
// writes log_dir/projector_config.pbtxt for the Embedding layers, as Keras 3 does.
class TensorBoard : public Callback {
 public:
  using keywords = kw::keywords<kw::log_dir_t, kw::histogram_freq_t, kw::write_graph_t, kw::write_images_t,
                                kw::write_steps_per_second_t, kw::update_freq_t, kw::profile_batch_t,
                                kw::embeddings_freq_t, kw::embeddings_metadata_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit TensorBoard(A&&... a) : TensorBoard(kw::collect<TensorBoard>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit TensorBoard(std::string log_dir, A&&... a)
      : TensorBoard(kw::collect<TensorBoard>(kw::log_dir = std::move(log_dir), std::forward<A>(a)...)) {}
  explicit TensorBoard(const kw::Kwargs& kwargs);

  void on_train_begin(Logs& logs) override;
  void on_train_end(Logs& logs) override;
  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_batch_begin(int batch, Logs& logs) override;
  void on_train_batch_end(int batch, Logs& logs) override;
  void on_test_end(Logs& logs) override;

  std::string log_dir = "logs";
  int histogram_freq = 0;
  bool write_graph = true;
  bool write_images = false;
  bool write_steps_per_second = false;
  std::optional<int> update_freq;  // batches; nullopt: "epoch"
  int embeddings_freq = 0;
  std::optional<EmbeddingsMetadata> embeddings_metadata;

  std::string train_dir() const { return log_dir + "/train"; }
  std::string validation_dir() const { return log_dir + "/validation"; }

 private:
  struct Writers;  // the train and validation event files
  tensorboard::EventFileWriter& train_writer();
  tensorboard::EventFileWriter& validation_writer();
  void write_model_config();
  void write_projector_config();
  void log_epoch_metrics(int epoch, const Logs& logs);
  void log_weights(int epoch);
  std::shared_ptr<Writers> writers_;  // shared: a callback given as a const lvalue is copied into fit's list
  int64_t global_train_batch_ = 0;
  int64_t epoch_start_iterations_ = 0;
  double epoch_start_time_ = 0;
  double batch_start_time_ = 0;
};

}  // namespace keras::callback_types
