// keras.callbacks.TensorBoard (keras/src/callbacks/tensorboard.py), writing TensorFlow's event files itself.
#include "keras/callbacks/tensorboard.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "callbacks/callback_utils.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/layer.hpp"
#include "keras/models/model.hpp"
#include "keras/optimizers/optimizer.hpp"
#include "utils/tensorboard/event_file_writer.hpp"
#include "utils/tensorboard/png.hpp"
#include "utils/tensorboard/summaries.hpp"

namespace keras::callback_types {

namespace tb = keras::tensorboard;

// Opened when first written to, so that a run without validation leaves no validation directory.
struct TensorBoard::Writers {
  std::unique_ptr<tb::EventFileWriter> train, validation;
  static tb::EventFileWriter& open(std::unique_ptr<tb::EventFileWriter>& file, const std::string& dir) {
    if (!file) file = std::make_unique<tb::EventFileWriter>(dir);
    return *file;
  }
  void flush() {
    if (train) train->flush();
    if (validation) validation->flush();
  }
  void close() {
    flush();
    train.reset();
    validation.reset();
  }
};

namespace {

int non_negative(const kw::Kwargs& k, const char* key) {
  const int value = k.get_or(key, 0);
  if (value < 0)
    throw ValueError("Invalid value for argument `" + std::string(key) + "`: " + std::to_string(value) +
                         ". Expected a non-negative integer.",
                     {.received = std::to_string(value),
                      .hint = std::string(key) + " is a number of epochs; 0 turns it off."});
  return value;
}

std::optional<int> parse_update_freq(const std::string& freq) {
  if (freq == "epoch") return std::nullopt;
  if (freq == "batch") return 1;
  int batches = 0;
  if (!detail::parse_batch_count(freq, batches) || batches < 1)
    throw ValueError("Unrecognized update_freq: " + freq + ". Expected 'batch', 'epoch' or an integer value.",
                     {.received = freq, .hint = "use update_freq=\"epoch\", \"batch\" or a number of batches, e.g. "
                                                "update_freq=100."});
  return batches;
}

double seconds_now() { return tb::wall_time_now(); }

// tf.image.convert_image_dtype(float -> uint8, saturate=True): x * 255.5, clipped to [0, 255], truncated.
uint8_t to_pixel(float x) {
  const double scaled = std::clamp(static_cast<double>(x) * 255.5, 0.0, 255.0);
  return static_cast<uint8_t>(scaled);
}

// Keras's _log_weight_as_image: the weight squeezed, then a bias as one 1-pixel-wide column, a Dense kernel as one
// image (transposed to be wider than tall), a 1-D conv kernel (k, in, out) as `out` images of k x in, and anything
// of rank 4 whose last axis is 1, 3 or 4 as images with that many channels; tf.summary.image keeps the first three.
// Returns nothing for the shapes Keras skips.
std::optional<std::string> weight_image(const std::string& tag, const Tensor& weight) {
  std::vector<int64_t> dims;
  for (int i = 0; i < weight.ndim(); ++i)
    if (weight.dim(i) != 1) dims.push_back(weight.dim(i));
  const float* v = weight.data();
  int64_t count = 0, height = 0, width = 0, channels = 1;
  std::vector<float> pixels;  // count x height x width x channels
  if (dims.size() == 1) {
    count = 1, height = dims[0], width = 1;
    pixels.assign(v, v + dims[0]);
  } else if (dims.size() == 2) {
    const bool transpose = dims[0] > dims[1];
    count = 1, height = transpose ? dims[1] : dims[0], width = transpose ? dims[0] : dims[1];
    for (int64_t r = 0; r < height; ++r)
      for (int64_t c = 0; c < width; ++c) pixels.push_back(transpose ? v[c * dims[1] + r] : v[r * dims[1] + c]);
  } else if (dims.size() == 3) {  // channels_last: the last axis becomes the image index
    count = dims[2], height = dims[0], width = dims[1];
    for (int64_t i = 0; i < count; ++i)
      for (int64_t r = 0; r < height; ++r)
        for (int64_t c = 0; c < width; ++c) pixels.push_back(v[(r * dims[1] + c) * dims[2] + i]);
  } else if (dims.size() == 4 && (dims[3] == 1 || dims[3] == 3 || dims[3] == 4)) {
    count = dims[0], height = dims[1], width = dims[2], channels = dims[3];
    pixels.assign(v, v + weight.size());
  } else {
    return std::nullopt;
  }
  const int64_t per_image = height * width * channels;
  std::vector<std::string> pngs;
  for (int64_t i = 0; i < std::min<int64_t>(count, 3); ++i) {
    std::vector<uint8_t> bytes(static_cast<size_t>(per_image));
    for (int64_t j = 0; j < per_image; ++j) bytes[static_cast<size_t>(j)] = to_pixel(pixels[static_cast<size_t>(i * per_image + j)]);
    pngs.push_back(tb::encode_png(bytes.data(), static_cast<int>(height), static_cast<int>(width),
                                  static_cast<int>(channels)));
  }
  return tb::image_value(tag, static_cast<int>(width), static_cast<int>(height), pngs);
}

// text_format's string escaping, for projector_config.pbtxt.
std::string pbtxt_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

TensorBoard::TensorBoard(const kw::Kwargs& k) : writers_(std::make_shared<Writers>()) {
  log_dir = k.get_or<std::string>("log_dir", "logs");
  histogram_freq = non_negative(k, "histogram_freq");
  write_graph = k.get_or("write_graph", true);
  write_images = k.get_or("write_images", false);
  write_steps_per_second = k.get_or("write_steps_per_second", false);
  update_freq = parse_update_freq(k.get_or<Frequency>("update_freq", "epoch").text);
  if (const int profile_batch = k.get_or("profile_batch", 0); profile_batch != 0)
    throw ValueError("Profiling is not yet available with the keraspp backend. Received: profile_batch=" +
                         std::to_string(profile_batch) + " (must be 0)",
                     {.received = std::to_string(profile_batch),
                      .hint = "profile_batch uses TensorFlow's or JAX's profiler; profile keraspp with perf or "
                              "valgrind --tool=callgrind instead."});
  embeddings_freq = non_negative(k, "embeddings_freq");
  embeddings_metadata = k.get<EmbeddingsMetadata>("embeddings_metadata");
}

void TensorBoard::on_train_begin(Logs&) {
  // Keras's set_model: new writers for every fit, then the model's config and the projector's.
  writers_->close();
  global_train_batch_ = 0;
  epoch_start_iterations_ = 0;
  if (write_graph) write_model_config();
  if (embeddings_freq) write_projector_config();
}

void TensorBoard::on_train_end(Logs&) { writers_->close(); }

tb::EventFileWriter& TensorBoard::train_writer() { return Writers::open(writers_->train, train_dir()); }
tb::EventFileWriter& TensorBoard::validation_writer() { return Writers::open(writers_->validation, validation_dir()); }

void TensorBoard::write_model_config() {
  std::string json;
  try {
    json = model().to_json();
  } catch (const std::exception& e) {
    detail::warn(std::string("Model failed to serialize as JSON. Ignoring... ") + e.what());
    return;
  }
  train_writer().write(0, tb::text_value("keras", json, "graph_keras_model", "1"));
  train_writer().flush();
}

void TensorBoard::write_projector_config() {
  std::map<std::string, std::string> unclaimed = embeddings_metadata ? embeddings_metadata->by_layer
                                                                     : std::map<std::string, std::string>{};
  std::string config;
  for (const Layer& layer : model().layers()) {
    if (layer.class_name() != "Embedding") continue;
    // Keras names every embedding's tensor this way ("Embeddings are always the first layer").
    config += "embeddings {\n  tensor_name: \"layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE\"\n";
    if (embeddings_metadata && embeddings_metadata->every_layer) {
      config += "  metadata_path: " + pbtxt_string(*embeddings_metadata->every_layer) + "\n";
    } else if (auto it = unclaimed.find(layer.name()); it != unclaimed.end()) {
      config += "  metadata_path: " + pbtxt_string(it->second) + "\n";
      unclaimed.erase(it);
    }
    config += "}\n";
  }
  if (!unclaimed.empty()) {
    std::string names;
    for (const auto& [name, file] : unclaimed) names += (names.empty() ? "'" : ", '") + name + "'";
    throw ValueError("Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                     "`embeddings_metadata` argument: dict_keys([" + names + "])",
                     {.received = names, .hint = "the keys must be the names of the model's Embedding layers."});
  }
  std::filesystem::create_directories(log_dir);
  std::ofstream(log_dir + "/projector_config.pbtxt", std::ios::binary | std::ios::trunc) << config;
}

void TensorBoard::on_train_batch_begin(int, Logs&) {
  ++global_train_batch_;
  if (write_steps_per_second) batch_start_time_ = seconds_now();
}

void TensorBoard::on_train_batch_end(int, Logs& logs) {
  // Keras documents update_freq=N as "every N batches"; its code records every batch for any N, because the
  // predicate it installs captures the step at on_train_begin (0). keraspp follows the documentation.
  if (!update_freq || global_train_batch_ % *update_freq != 0) return;
  tb::EventFileWriter& train = train_writer();
  if (write_steps_per_second)
    train.write(global_train_batch_,
                tb::scalar_value("batch_steps_per_second", static_cast<float>(1.0 / (seconds_now() - batch_start_time_))));
  for (const auto& [name, value] : logs)
    train.write(global_train_batch_, tb::scalar_value("batch_" + name, static_cast<float>(value)));
}

void TensorBoard::on_test_end(Logs& logs) {
  auto optimizer = model().optimizer();
  if (!optimizer) return;
  tb::EventFileWriter& validation = validation_writer();
  for (const auto& [name, value] : logs)
    validation.write(optimizer->iterations(),
                     tb::scalar_value("evaluation_" + name + "_vs_iterations", static_cast<float>(value)));
  validation.flush();
}

void TensorBoard::on_epoch_begin(int, Logs&) {
  if (!write_steps_per_second) return;
  if (auto optimizer = model().optimizer()) epoch_start_iterations_ = optimizer->iterations();
  epoch_start_time_ = seconds_now();
}

void TensorBoard::on_epoch_end(int epoch, Logs& logs) {
  log_epoch_metrics(epoch, logs);
  if (histogram_freq && epoch % histogram_freq == 0) log_weights(epoch);
  if (embeddings_freq && epoch % embeddings_freq == 0)
    model().save_weights(train_dir() + "/keras_embedding.ckpt-" + std::to_string(epoch) + ".weights.h5");
  writers_->flush();
}

void TensorBoard::log_epoch_metrics(int epoch, const Logs& logs) {
  if (logs.empty()) return;
  Logs train_logs, val_logs;
  for (const auto& [name, value] : logs) {
    if (name.rfind("val_", 0) == 0) val_logs[name.substr(4)] = value;
    else train_logs[name] = value;
  }
  auto optimizer = model().optimizer();
  if (optimizer) train_logs["learning_rate"] = optimizer->learning_rate();
  if (write_steps_per_second && optimizer)
    train_logs["steps_per_second"] =
        static_cast<double>(optimizer->iterations() - epoch_start_iterations_) / (seconds_now() - epoch_start_time_);
  for (const auto& [name, value] : train_logs)
    train_writer().write(epoch, tb::scalar_value("epoch_" + name, static_cast<float>(value)));
  for (const auto& [name, value] : val_logs)
    validation_writer().write(epoch, tb::scalar_value("epoch_" + name, static_cast<float>(value)));
}

void TensorBoard::log_weights(int epoch) {
  // Tags are "<layer>/<weight>" (Keras 3 now uses the weight's path, after its short names collided across layers);
  // a name repeated inside one layer (a wrapper's inner layers) gets "_1", "_2", ... as Keras uniquifies names.
  std::set<std::string> used;
  tb::EventFileWriter& train = train_writer();
  for (const Layer& layer : model().layers()) {
    for (const VariablePtr& variable : layer.impl()->variables()) {
      std::string name = layer.name() + "/" + variable->name;
      for (int i = 1; used.count(name); ++i) name = layer.name() + "/" + variable->name + "_" + std::to_string(i);
      used.insert(name);
      const Tensor& value = variable->value;
      train.write(epoch, tb::histogram_value(name + "/histogram",
                                             std::vector<double>(value.data(), value.data() + value.size())));
      if (write_images)
        if (auto image = weight_image(name + "/image", value)) train.write(epoch, *image);
    }
  }
}

}  // namespace keras::callback_types
