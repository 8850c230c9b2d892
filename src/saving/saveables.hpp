#pragma once
// Where Keras 3 keeps the variables of the layers that hold other objects (keras/src/saving/saving_lib.py
// _walk_saveable: a layer's own variables, then its attributes that are layers, attribute names sorted):
//   LSTM / GRU / SimpleRNN   an RNN whose variables live in its cell, attribute `cell` (an LSTMCell named
//                            "lstm_cell", a GRUCell "gru_cell", a SimpleRNNCell "simple_rnn_cell"; ConvLSTM1D/2D/3D
//                            a ConvLSTMCell "conv_lstm_cell")
//   TimeDistributed          the wrapped layer, attribute `layer`
//   Bidirectional            attributes `backward_layer` and `forward_layer` (sorted: backward first)
//   RNN                      its cell, attribute `cell`; a StackedRNNCells keeps its list `cells`, each cell under
//                            cells/<snake_case class>[_n] (lstm_cell, lstm_cell_1)
//   MultiHeadAttention       its projections, attributes `key_dense`, `output_dense`, `query_dense`, `value_dense`
//                            (LayerImpl::owned_sublayers)
// keraspp keeps an RNN's variables in the layer itself and a wrapper's in the layers it wraps; these tables map
// that onto Keras's object tree, for the .keras / .weights.h5 store and the legacy .h5 weight names.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/layers/layer.hpp"

namespace keras::saving::detail {

// The cell Keras 3 puts inside a recurrent layer.
struct CellInfo {
  std::string class_name;  // "LSTMCell"
  std::string name;        // "lstm_cell": Keras names every cell of a class alike
};
// The cell of an LSTM, GRU or SimpleRNN layer; nullopt for any other layer.
std::optional<CellInfo> rnn_cell(const LayerImpl& layer);

// A layer held by a wrapper, with the attribute Keras 3 keeps it in.
struct WrappedLayer {
  std::string attribute;  // "layer", "forward_layer", "backward_layer", "cell", "cells/lstm_cell_1"
  std::shared_ptr<LayerImpl> layer;
  // Where older writers kept it, read when `attribute` is missing: tf.keras 2.13-2.15 walked MultiHeadAttention's
  // private attributes (_query_dense), Keras 3 finds its public properties first (query_dense).
  std::string older_attribute = {};
};
// The layers a TimeDistributed, Bidirectional, RNN or StackedRNNCells layer holds, in the order Keras's walk visits
// them; empty for any other layer.
std::vector<WrappedLayer> wrapped_layers(const LayerImpl& layer);

}  // namespace keras::saving::detail
