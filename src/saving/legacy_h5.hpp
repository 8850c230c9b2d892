#pragma once
// The legacy HDF5 formats (keras/src/legacy/saving/legacy_h5_format.py in Keras 3, hdf5_format.py in Keras 2):
//   /                   attrs keras_version, backend, model_config (JSON: {"class_name", "config"})
//   /model_weights      attrs layer_names, backend, keras_version
//   /model_weights/<layer name>             attr weight_names (paths relative to this group)
//   /model_weights/<layer name>/<weight name>   the datasets; a wrapper's weights are those of the layers it wraps
//                                               (Bidirectional: forward then backward), read by order
// A Keras 2 save_weights file has the /model_weights tree at the root.
#include <string>

#include "keras/models/model.hpp"
#include "saving/config_codec.hpp"
#include "saving/h5_store.hpp"

namespace keras::saving::detail {

// What an HDF5 image holds (keras-formats.md section 0).
enum class H5Kind { kLegacyModel, kLegacyWeights, kKeras3Weights };
H5Kind classify(H5Reader& store);

// Whether the bytes start with the HDF5 signature / the zip signature.
bool is_hdf5_bytes(const std::string& bytes);
bool is_zip_bytes(const std::string& bytes);

// A full legacy model: rebuilt from model_config (Keras 2 or Keras 3 names), weights from /model_weights; with
// compile, compiled from training_config with the optimizer state of /optimizer_weights (legacy_training.hpp).
Model load_legacy_model(H5Reader& store, const std::string& path, bool compile);

// load_weights_from_hdf5_group: the layers of `group` ("model_weights", or "" for a Keras 2 weights file) that
// have weights, paired by order with the model's layers that have weights; counts and shapes are checked before
// anything is assigned.
void read_legacy_weights(H5Reader& store, const std::string& group, const FunctionalImpl& model);

// save_model_to_hdf5 as Keras 3 writes it, but for the training state (legacy_training.hpp); `config_text` is the
// legacy model_config.
void write_legacy_model(H5Writer& store, const FunctionalImpl& model, const std::string& config_text,
                        const std::string& keras_version);

// The Keras 2 style config of a Keras 3 config: envelopes keep class_name and config only, dtypes are plain names.
Json legacy_config(const Json& keras3_config);

}  // namespace keras::saving::detail
