#pragma once
// The training state in a legacy full-model .h5 file (keras/src/legacy/saving/legacy_h5_format.py and saving_utils.py
// in Keras 3, hdf5_format.py in Keras 2):
//   /                    attr training_config: JSON of the compile arguments (loss, loss_weights, metrics,
//                        weighted_metrics, ...) plus optimizer_config = {"class_name", "config"}
//   /optimizer_weights   attr weight_names; datasets named by them: the optimizer's variables in Keras order
// load_model(compile=true) compiles the model from training_config and restores the optimizer's variables when they
// match the compiled optimizer's (count and shapes); save writes both for a compiled model.
//
// Keras 2 spellings read: optimizer class names "Custom>Adam" (tf.keras 2.11+) and any letter case, `lr` for
// learning_rate, `decay` (Keras 2's lr / (1 + decay * iterations), kept as an InverseTimeDecay schedule with
// decay_steps=1; Keras 3 drops it with a warning), `is_legacy_optimizer`, a loss's reduction "auto", a list of losses
// (one per output), and losses, loss_weights, metrics and weighted_metrics given per output name or per output.
// Refused with a ValueError naming the entry (the hint: load with compile=false): metric objects,
// sample_weight_mode, and entries keraspp does not know.
#include "keras/models/model.hpp"
#include "saving/config_codec.hpp"
#include "saving/h5_store.hpp"

namespace keras::saving::detail {

// training_config as Keras 3's model_metadata writes it (legacy configs: no module / registered_name); null when
// the model is not compiled.
Json training_config_json(const FunctionalImpl& model);

// The compile_config that `training_config` (Keras 2 or Keras 3) stands for, in keraspp's spelling.
Json compile_config_from_training_config(const Json& training_config, const Context& ctx);

// /optimizer_weights of a compiled model whose optimizer is built (Keras writes it for any compiled model; an unbuilt
// keraspp optimizer has nothing to restore, as the .keras writer also decides).
void write_optimizer_weights(H5Writer& store, const FunctionalImpl& model);

// What load_model_from_hdf5 does after the weights when compile is true: without a training_config, Keras's warning
// and an uncompiled model; else compile, then restore /optimizer_weights if present. An optimizer state that does
// not match (another count or shape of variables, as in Keras 2 files whose optimizers had no learning_rate variable)
// is left fresh, with Keras's warning on stderr.
void restore_training(H5Reader& store, const Model& model, const std::string& path);

}  // namespace keras::saving::detail
