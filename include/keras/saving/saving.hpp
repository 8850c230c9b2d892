#pragma once
// keras.saving: whole models in Keras 3's .keras format.
//   model.save("m.keras");
//   Model restored = keras::saving::load_model("m.keras");
//
// The archive is a zip of metadata.json, config.json (the model's Keras 3 config, as model.to_json() returns it) and
// model.weights.h5 (the weights store: layers/<snake_case class>[_n]/vars/<i>, as model.save_weights writes it).
// load_model rebuilds the Sequential or Functional model from config.json through the layer registry, then loads its
// weights, checking every shape. With compile=true (Keras's default) a model saved after compile() is compiled again
// from the archive's compile_config (optimizer, loss, metrics, loss_weights), and the optimizer's state (iterations,
// learning rate, slots) is restored when the archive holds it. A layer class, argument or compile setting keraspp does
// not support is a ValueError naming it and the file (pass compile=false to skip the compile settings). Files are
// read defensively: a damaged or hostile file gives a ValueError, never a crash or a write anywhere.
//
// Legacy HDF5 files are read and written too: load_model reads a full-model HDF5 file (Keras 2's and Keras 3's
// model.save("m.h5"), also under a ".keras" name as tf.keras <= 2.11 wrote it: the content decides, not the name)
// and, with compile=true, compiles it from its training_config (Keras 2 spellings included) and restores the
// optimizer state when it matches; model.save("m.h5") writes one as Keras 3 does, with the training_config and
// optimizer_weights of a compiled model; load_weights reads Keras 2 save_weights files and the weights of full legacy
// files. The layers that hold others (LSTM/GRU/SimpleRNN and their cell, TimeDistributed, Bidirectional) keep their
// weights where Keras 3 does (layers/lstm/cell/vars, layers/bidirectional/forward_layer/cell/vars, ...).
// Not supported yet: weights stored as model.weights.npz, sharded weights, assets.
#include <string>

#include "keras/models/model.hpp"

namespace keras::saving {

// keras.saving.load_model(filepath, compile=True). The path must end in ".keras", ".h5" or ".hdf5".
Model load_model(const std::string& path, bool compile = true);

// keras.saving.save_model(model, filepath): the same as model.save(filepath).
void save_model(const Model& model, const std::string& path);

}  // namespace keras::saving
