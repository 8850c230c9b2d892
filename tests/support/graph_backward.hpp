#pragma once
// One training-mode forward and backward through a model's graph, with a random upstream gradient: what the
// graph-level tests (relu folding, gradient pruning) inspect.
#include <vector>

#include "keras/keras.hpp"

namespace keras::test_support {

struct GraphBackward {
  CallContext ctx;  // ctx.children: what each node was told in backward
  std::vector<Tensor> input_grads;
  std::vector<std::vector<float>> weight_grads;  // one per trainable variable, in the model's order
};

// input_grad: whether the caller asks for the input's gradient (CallContext::needs_input_grad).
inline GraphBackward graph_backward(Model& model, const Tensor& x, bool input_grad = true) {
  FunctionalImpl& graph = model.graph();
  GraphBackward out;
  out.ctx.training = true;
  out.ctx.inputs = {x};
  out.ctx.needs_input_grad = {input_grad};
  std::vector<Tensor> outputs = graph.forward(out.ctx);
  utils::set_random_seed(7);
  std::vector<Tensor> upstream{random::normal(outputs.at(0).dims())};
  for (const auto& v : graph.trainable_variables()) v->grad = Tensor();
  out.input_grads = graph.backward(out.ctx, upstream);
  for (const auto& v : graph.trainable_variables()) out.weight_grads.push_back(v->grad.to_vector());
  return out;
}

}  // namespace keras::test_support
