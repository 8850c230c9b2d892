// Model::save / save_weights / load_weights / to_json, keras::saving::load_model and keras::models::model_from_json,
// following keras/src/saving/saving_api.py and saving_lib.py (Keras 3).
#include "keras/saving/saving.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <fstream>
#include <new>
#include <stdexcept>

#include "keras/core/errors.hpp"
#include "keras/models/models.hpp"
#include "saving/h5_store.hpp"
#include "saving/legacy_h5.hpp"
#include "saving/legacy_training.hpp"
#include "saving/model_config.hpp"
#include "saving/weights.hpp"
#include "saving/zip_archive.hpp"

namespace keras {

namespace {

using saving::detail::Context;
using saving::detail::Json;

// The Keras version written into metadata.json: the file layout is Keras 3.6's (DTypePolicy dtypes, vars groups
// with a `name` attribute). Keras does not check this value when loading.
constexpr const char* kKerasVersion = "3.6.0";

constexpr uint64_t kMaxWeightsFile = uint64_t{16} << 30;
constexpr uint64_t kMaxConfigBytes = uint64_t{256} << 20;
constexpr uint64_t kMaxMetadataBytes = uint64_t{1} << 20;

bool is_legacy_h5(const std::string& path) {
  return (path.ends_with(".h5") && !path.ends_with(".weights.h5")) || path.ends_with(".hdf5");
}

// The first bytes of a file, to tell a zip archive from an HDF5 file.
std::string file_head(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};  // the reader that follows reports the missing file
  std::string head(8, '\0');
  in.read(head.data(), 8);
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

// Python's json.dumps(obj) layout (", " and ": " separators, ASCII output), which Keras writes config.json with.
void python_dumps(const Json& j, std::string& out) {
  if (j.is_object()) {
    out += '{';
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += Json(it.key()).dump(-1, ' ', true);
      out += ": ";
      python_dumps(it.value(), out);
    }
    out += '}';
  } else if (j.is_array()) {
    out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i) out += ", ";
      python_dumps(j[i], out);
    }
    out += ']';
  } else {
    out += j.dump(-1, ' ', true);
  }
}
std::string python_dumps(const Json& j) {
  std::string out;
  python_dumps(j, out);
  return out;
}

std::string metadata_json() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d@%H:%M:%S", &local);
  Json m = Json::object();
  m["keras_version"] = kKerasVersion;
  m["date_saved"] = date;
  return python_dumps(m);
}

std::string weights_image(const FunctionalImpl& model) {
  saving::detail::H5Writer writer;
  saving::detail::write_weights(writer, model, true);
  return writer.image();
}

// Writes `bytes` to `path` through a temporary file beside it, so a failed save never leaves half a file.
void write_file_atomically(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path tmp = target;
  tmp += ".keraspp-tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw ValueError("Cannot write " + path + ": " + std::strerror(errno) + ".",
                       {.received = path, .hint = "check that the directory exists and is writable."});
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw ValueError("Cannot write " + path + " completely (disk full?).", {.received = path});
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw ValueError("Cannot write " + path + ": " + ec.message() + ".", {.received = path});
  }
}

// Runs a loading step; whatever a damaged file makes the libraries throw becomes a ValueError naming the file.
template <class F>
auto guarded(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ValueError&) {
    throw;
  } catch (const NotImplementedError&) {
    throw;
  } catch (const nlohmann::json::exception& e) {
    throw ValueError("Invalid content in " + path + ": " + e.what() + ".",
                     {.received = path, .hint = "the file is damaged or was not written by Keras."});
  } catch (const std::bad_alloc&) {
    throw ValueError("Not enough memory to load " + path + " (the file may claim impossible sizes).",
                     {.received = path, .hint = "the file is damaged or was not written by Keras."});
  } catch (const std::length_error& e) {
    throw ValueError("Invalid sizes in " + path + ": " + e.what() + ".", {.received = path});
  } catch (const std::out_of_range& e) {
    throw ValueError("Invalid content in " + path + ": " + e.what() + ".", {.received = path});
  }
}

const std::vector<std::string> kArchiveEntries = {"config.json", "metadata.json", "model.weights.h5",
                                                  "model.weights.npz"};

saving::detail::ZipLimits archive_limits() {
  saving::detail::ZipLimits limits;
  limits.max_entry_bytes = {{"config.json", kMaxConfigBytes},
                            {"metadata.json", kMaxMetadataBytes},
                            {"model.weights.h5", kMaxWeightsFile}};
  return limits;
}

// The weights entry of an archive, as an HDF5 reader.
std::unique_ptr<saving::detail::H5Reader> archive_weights(const saving::detail::ZipContents& zip, const std::string& path) {
  auto it = zip.entries.find("model.weights.h5");
  if (it != zip.entries.end())
    return std::make_unique<saving::detail::H5Reader>(it->second, path + " (model.weights.h5)");
  for (const auto& n : zip.names)
    if (n == "model.weights.npz")
      throw NotImplementedError("The archive " + path + " stores its weights as model.weights.npz, which keraspp "
                                "cannot read yet (save with the default weights_format=\"h5\").");
  throw ValueError("Expected a model.weights.h5 or model.weights.npz file in " + path + ".",
                   {.received = path, .hint = "the archive is incomplete; save the model again."});
}

// Keras's load_assets for each layer that keeps files in the archive (IntegerLookup's vocabulary.txt); a file the
// layer needs that the archive lacks is an error, as Keras's open() of it would be.
void load_assets(const FunctionalImpl& model, const std::string& path) {
  std::vector<std::string> wanted;
  const auto layers = saving::detail::layer_paths(model);
  for (const auto& [layer_path, layer] : layers)
    for (const std::string& file : layer->asset_names()) wanted.push_back("assets/" + layer_path + "/" + file);
  if (wanted.empty()) return;
  const auto zip = saving::detail::read_zip(path, wanted, archive_limits(), path);
  for (const auto& [layer_path, layer] : layers) {
    std::map<std::string, std::string> files;
    for (const std::string& file : layer->asset_names()) {
      const auto it = zip.entries.find("assets/" + layer_path + "/" + file);
      if (it == zip.entries.end())
        throw ValueError("No such file or directory: 'assets/" + layer_path + "/" + file + "' in " + path + ".",
                         {.layer = layer->name(), .received = path,
                          .hint = "layer \"" + layer->name() + "\" keeps this file beside its weights; the archive is "
                                  "incomplete, save the model again."});
      files.emplace(file, it->second);
    }
    // The walk hands out the model's layers read-only; the layers themselves are not const objects.
    if (!files.empty()) const_cast<LayerImpl*>(layer)->load_assets(files);
  }
}

}  // namespace

// ---- Model ----

void Model::save(const std::string& path) const {
  if (is_legacy_h5(path)) {
    // legacy_h5_format.save_model_to_hdf5 (Keras 3 writes it for a ".h5" name, warning that the format is legacy).
    const FunctionalImpl& g = graph();
    for (const auto& [layer_path, layer] : saving::detail::layer_paths(g))
      if (!layer->save_assets().empty())
        throw ValueError("The legacy .h5 format cannot keep the assets of layer \"" + layer->name() + "\" (" +
                             layer->class_name() + "'s adapted vocabulary); Keras keeps them only in .keras archives.",
                         {.layer = layer->name(), .received = path,
                          .hint = "save to a .keras file: model.save(\"model.keras\")."});
    saving::detail::H5Writer writer;
    saving::detail::write_legacy_model(
        writer, g, python_dumps(saving::detail::legacy_config(saving::detail::model_to_json(g, false))), kKerasVersion);
    if (Json tc = saving::detail::training_config_json(g); !tc.is_null()) {
      writer.write_string_attr("", "training_config", python_dumps(tc));
      saving::detail::write_optimizer_weights(writer, g);
    }
    write_file_atomically(path, writer.image());
    return;
  }
  if (!path.ends_with(".keras"))
    throw ValueError("Invalid filepath extension for saving. Please add either a `.keras` extension for the native "
                     "Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` if you want to "
                     "export a SavedModel for use with TFLite/TFServing/etc. Received: filepath=" + path + ".",
                     {.received = path, .hint = "name the file like \"model.keras\"."});
  const FunctionalImpl& g = graph();
  const std::string config = python_dumps(saving::detail::model_to_json(g, true));
  const std::string weights = weights_image(g);
  std::vector<std::pair<std::string, std::string>> entries{
      {"metadata.json", metadata_json()}, {"config.json", config}, {"model.weights.h5", weights}};
  for (const auto& [layer_path, layer] : saving::detail::layer_paths(g))
    for (auto& [file, bytes] : layer->save_assets()) entries.emplace_back("assets/" + layer_path + "/" + file, bytes);
  saving::detail::write_zip(path, entries);
}

void Model::save_weights(const std::string& path) const {
  if (!path.ends_with(".weights.h5"))
    throw ValueError("The filename must end in `.weights.h5`. Received: filepath=" + path,
                     {.received = path, .hint = "name the file like \"model.weights.h5\"."});
  write_file_atomically(path, weights_image(graph()));
}

void Model::load_weights(const std::string& path) const {
  const FunctionalImpl& g = graph();
  if (!path.ends_with(".keras") && !path.ends_with(".weights.h5") && !is_legacy_h5(path))
    throw ValueError("File format not supported: filepath=" + path + ". Keras 3 only supports V3 `.keras` and "
                     "`.weights.h5` files, or legacy V1/V2 `.h5` files.",
                     {.received = path, .hint = "pass a file written by model.save_weights(\"m.weights.h5\") or "
                                                "model.save(\"m.keras\")."});
  guarded(path, [&] {
    // The content decides, not the name: tf.keras <= 2.11 wrote HDF5 under a ".keras" name.
    if (path.ends_with(".keras") && !saving::detail::is_hdf5_bytes(file_head(path))) {
      auto zip = saving::detail::read_zip(path, {"model.weights.h5"}, archive_limits(), path);
      auto reader = archive_weights(zip, path);
      saving::detail::read_weights(*reader, g, true);
      return;
    }
    saving::detail::H5Reader reader(saving::detail::read_file_bytes(path, kMaxWeightsFile, path), path);
    switch (saving::detail::classify(reader)) {
      case saving::detail::H5Kind::kLegacyModel:
        saving::detail::read_legacy_weights(reader, "model_weights", g);
        break;
      case saving::detail::H5Kind::kLegacyWeights:
        saving::detail::read_legacy_weights(reader, "", g);
        break;
      case saving::detail::H5Kind::kKeras3Weights:
        saving::detail::read_weights(reader, g, true);
        break;
    }
  });
}

std::string Model::to_json() const { return python_dumps(saving::detail::model_to_json(graph(), true)); }

// ---- keras::saving ----

namespace saving {

Model load_model(const std::string& path, bool compile) {
  if (!path.ends_with(".keras") && !is_legacy_h5(path))
    throw ValueError("File format not supported: filepath=" + path + ". Keras 3 only supports V3 `.keras` files and "
                     "legacy H5 format files (`.h5` extension).",
                     {.received = path, .hint = "pass a file written by model.save(\"m.keras\") or model.save(\"m.h5\")."});
  return guarded(path, [&] {
    // The content decides: tf.keras <= 2.11 wrote legacy HDF5 under a ".keras" name.
    const std::string head = file_head(path);
    if (saving::detail::is_hdf5_bytes(head) || is_legacy_h5(path)) {
      saving::detail::H5Reader reader(saving::detail::read_file_bytes(path, kMaxWeightsFile, path), path);
      return saving::detail::load_legacy_model(reader, path, compile);
    }
    auto zip = detail::read_zip(path, kArchiveEntries, archive_limits(), path);
    auto cfg = zip.entries.find("config.json");
    if (cfg == zip.entries.end())
      throw ValueError("The archive " + path + " has no config.json, so it is not a Keras model file.",
                       {.received = path, .hint = "pass a file written by model.save(\"m.keras\")."});
    const Context ctx{"'" + path + "' (config.json)"};
    Json config = detail::parse_json(cfg->second, ctx);
    // tf.keras 2.13+ wrote .keras archives too: its version, in metadata.json, decides Keras 2 semantics.
    if (auto meta = zip.entries.find("metadata.json"); meta != zip.entries.end() && config.is_object()) {
      const Json m = detail::parse_json(meta->second, Context{"'" + path + "' (metadata.json)"});
      if (const Json* v = m.is_object() ? detail::find_member(m, "keras_version") : nullptr; v && v->is_string())
        config["keras_version"] = *v;
    }
    Model model = detail::model_from_json(config, ctx, compile);
    auto reader = archive_weights(zip, path);
    detail::read_weights(*reader, model.graph(), compile);
    load_assets(model.graph(), path);
    return model;
  });
}

void save_model(const Model& model, const std::string& path) { model.save(path); }

}  // namespace saving

// ---- keras::models ----

namespace models {

Model model_from_json(const std::string& json_text) {
  const std::string what = "the JSON given to model_from_json";
  return guarded(what, [&] {
    const Context ctx{what};
    Json config = saving::detail::parse_json(json_text, ctx);
    return saving::detail::model_from_json(config, ctx, true);
  });
}

Model clone_model(const Model& model) {
  Json config;
  try {
    config = saving::detail::model_to_json(model.graph(), false);
  } catch (const ValueError& e) {
    throw ValueError("clone_model cannot clone model \"" + model.name() + "\": " + e.message(),
                     {.layer = e.layer(), .received = e.received(), .hint = e.hint()});
  }
  const saving::detail::Context ctx{"the config of model \"" + model.name() + "\" (clone_model)"};
  return saving::detail::model_from_json(config, ctx, false);
}

}  // namespace models

}  // namespace keras
