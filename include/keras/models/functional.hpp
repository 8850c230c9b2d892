#pragma once
// The graph behind functional models (and Sequential, which builds one): nodes in topological order, values in
// slots, forward and backward through any DAG with shared layers, several inputs and outputs.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "keras/layers/layer.hpp"

namespace keras {

struct TrainingState;

class FunctionalImpl : public LayerImpl {
 public:
  FunctionalImpl(const std::vector<KerasTensor>& inputs, const std::vector<KerasTensor>& outputs,
                 const kw::Kwargs& kwargs);

  bool is_model() const override { return true; }
  int expected_inputs() const override { return static_cast<int>(inputs_.size()); }
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  std::vector<Tensor> forward(CallContext& ctx) override;
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) override;
  std::vector<VariablePtr> variables() const override;
  void set_trainable(bool t) override;
  double regularization_penalty(bool accumulate_grads) override;
  void check_input_compatibility(const std::vector<Shape>& shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override;
  Shape output_shape() const override;
  Shape input_shape() const override;

  bool has_graph() const { return graph_ready_; }
  // compile()'s state; shared by every handle of this model.
  const std::shared_ptr<TrainingState>& training_state() const { return training_state_; }
  // Whether output i is used by no layer of the graph (only then may a loss take over its activation).
  bool output_is_terminal(size_t i) const;
  // The node (index into nodes() and a forward context's children) that produces output i; -1 for an input.
  int output_node(size_t i) const;
  const std::vector<KerasTensor>& inputs() const { return inputs_; }
  const std::vector<KerasTensor>& outputs() const { return outputs_; }
  const std::vector<std::shared_ptr<Node>>& nodes() const { return nodes_; }
  // Every layer once, in the order Keras lists them (InputLayers included for functional models).
  virtual std::vector<std::shared_ptr<LayerImpl>> layers() const { return layers_; }
  // Whether summary() can leave out "Connected to": a plain chain of single-input layers.
  virtual bool sequential_like() const;

  // Rank reconciliation of Keras 3's Functional._adjust_input_rank: data with one more trailing axis of size 1 is
  // squeezed, data with one axis less is expanded when the model's shape ends in 1. nullopt: ranks incompatible.
  static std::optional<Shape> adjust_rank(const Shape& reference, const Shape& data);
  // Checks data shapes against the whole graph (every layer's InputSpec on the real shapes) before running it.
  std::vector<Shape> propagate(const std::vector<Shape>& input_shapes) const;

 protected:
  FunctionalImpl(std::string class_name, const kw::Kwargs& kwargs);  // graph set later (Sequential)
  void set_graph(const std::vector<KerasTensor>& inputs, const std::vector<KerasTensor>& outputs);

  std::vector<KerasTensor> inputs_, outputs_;
  std::vector<std::shared_ptr<Node>> nodes_;  // non-input nodes, topological order
  std::vector<std::shared_ptr<LayerImpl>> layers_;
  bool graph_ready_ = false;
  std::shared_ptr<TrainingState> training_state_;

 private:
  std::vector<bool> relu_foldable_nodes() const;
  int sole_producer(size_t k) const;
  std::vector<bool> relu_foldable_;  // per node: backward may let it fold its input's relu (set_graph)
  // Per node: for a plain relu layer whose producer applies it as an epilogue, that producer's node (else -1);
  // for such a producer, true. See CallContext::relu_epilogue.
  void find_relu_epilogues();
  std::vector<int> relu_applied_by_;
  std::vector<bool> relu_epilogue_;
  // Convolution + max pooling pairs run as one kernel (models/conv_pool_pairs.cpp): per node, the node of the
  // convolution a 2x2 max pooling may run with (-1: none), and the profile's name for the pair.
  void find_conv_pool_pairs();
  bool starts_fused_pair(size_t k, const CallContext& c) const;
  Tensor forward_fused_pair(size_t k, CallContext& ctx);
  Tensor backward_fused_pair(size_t k, CallContext& ctx, const Tensor& grad, bool need_dx);
  std::vector<int> fused_producer_, fused_consumer_;
  std::vector<std::string> fused_names_;
  std::map<std::pair<const Node*, int>, int> slot_of_;
  std::vector<std::vector<int>> node_in_slots_, node_out_slots_;
  std::vector<int> input_slots_, output_slots_;
  int num_slots_ = 0;
};

}  // namespace keras
