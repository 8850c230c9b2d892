#pragma once
#include <optional>
#include <vector>

#include "keras/models/functional.hpp"
#include "keras/models/sequential.hpp"

namespace keras {

class SequentialImpl : public FunctionalImpl {
 public:
  explicit SequentialImpl(const kw::Kwargs& kwargs) : FunctionalImpl("Sequential", kwargs) {}

  void add(const SequentialItem& item);
  void pop();
  int expected_inputs() const override { return 1; }
  std::vector<std::shared_ptr<LayerImpl>> layers() const override;
  bool sequential_like() const override { return true; }
  void build(const std::vector<Shape>& input_shapes) override;
  void check_input_compatibility(const std::vector<Shape>& shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override;
  std::vector<Tensor> forward(CallContext& ctx) override;
  // The output shape of a layer of this model, if the model is built.
  std::optional<std::vector<Shape>> layer_output_shapes(const LayerImpl* layer) const;

 private:
  // Calls `layer` on the current output, extending the graph; restores the graph if the layer rejects it.
  void append_to_graph(const Layer& layer);
  std::vector<Layer> layers_list_;
  std::optional<KerasTensor> input_;
  std::optional<KerasTensor> output_;
};

}  // namespace keras
