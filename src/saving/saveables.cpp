#include "saving/saveables.hpp"

#include <map>

#include "keras/core/errors.hpp"

namespace keras::saving::detail {

std::optional<CellInfo> rnn_cell(const LayerImpl& layer) {
  const std::string& cls = layer.class_name();
  if (cls == "LSTM") return CellInfo{"LSTMCell", "lstm_cell"};
  if (cls == "GRU") return CellInfo{"GRUCell", "gru_cell"};
  if (cls == "SimpleRNN") return CellInfo{"SimpleRNNCell", "simple_rnn_cell"};
  if (cls == "ConvLSTM1D" || cls == "ConvLSTM2D" || cls == "ConvLSTM3D")
    return CellInfo{"ConvLSTMCell", "conv_lstm_cell"};
  return std::nullopt;
}

namespace {

// The wrappers keep the layers they hold in their config (the "layer" / "backward_layer" keywords, as Keras's
// get_config writes them), which is where they are read from here.
std::shared_ptr<LayerImpl> held(const LayerImpl& wrapper, const char* key) {
  auto l = wrapper.config().get<Layer>(key);
  if (!l || !l->impl())
    throw ValueError("The " + wrapper.class_name() + " layer '" + wrapper.name() + "' holds no `" + key + "`.",
                     {.layer = wrapper.name()});
  return l->impl();
}

}  // namespace

std::vector<WrappedLayer> wrapped_layers(const LayerImpl& layer) {
  const std::string& cls = layer.class_name();
  if (cls == "TimeDistributed" || cls == "SpectralNormalization") return {{"layer", held(layer, "layer")}};
  if (cls == "RNN") return {{"cell", held(layer, "cell")}};
  // A list attribute: each element under <attribute>/<snake_case class>, numbered per class (_save_container_state).
  if (cls == "StackedRNNCells") {
    std::vector<WrappedLayer> out;
    std::map<std::string, int> counters;
    const std::vector<Layer> cells = layer.config().get_or<std::vector<Layer>>("cells", {});
    for (const Layer& cell : cells) {
      const std::string snake = to_snake_case(cell.class_name());
      const int n = counters[snake]++;
      out.push_back({"cells/" + (n == 0 ? snake : snake + "_" + std::to_string(n)), cell.impl()});
    }
    return out;
  }
  // Bidirectional's config: "layer" is the forward layer, "backward_layer" the backward one.
  if (cls == "Bidirectional")
    return {{"backward_layer", held(layer, "backward_layer")}, {"forward_layer", held(layer, "layer")}};
  // Layers that keep their sublayers themselves (MultiHeadAttention's projections).
  std::vector<WrappedLayer> out;
  for (auto& [attribute, inner] : layer.owned_sublayers())
    out.push_back({attribute, inner, cls == "MultiHeadAttention" ? "_" + attribute : ""});
  return out;
}

}  // namespace keras::saving::detail
