#pragma once

// predict() and evaluate() run the model forward only: nothing will call backward(), so a model may drop each
// intermediate value and each node's saved activations as soon as they are used (like torch.no_grad()). A scope
// rather than a CallContext field, so that nested models see it without every layer passing it on.

namespace keras::detail {

bool forward_only();

class ForwardOnlyScope {
 public:
  ForwardOnlyScope();
  ~ForwardOnlyScope();
  ForwardOnlyScope(const ForwardOnlyScope&) = delete;
  ForwardOnlyScope& operator=(const ForwardOnlyScope&) = delete;

 private:
  bool previous_;
};

}  // namespace keras::detail
