#pragma once
// keras.layers.Lambda(function, output_shape=None, mask=None): a C++ function of the input tensor (or of the list of
// input tensors) as a layer, as Keras wraps a Python function:
//   layers::Lambda([](const Tensor& x) { return x * 2.0f; })
//   layers::Lambda([](const std::vector<Tensor>& xs) { return xs[0] - xs[1]; })({a, b})
// The output shape is inferred by calling the function on zeros (sizes 1 and 2 where the input has None), or given:
// output_shape={dims after the batch axis}, or a function of the whole input shape (Keras's two forms).
// mask=[](const Tensor& x, const Tensor& mask) { return ...; } (or a fixed Tensor) gives the output's Keras mask.
// Training through a Lambda differentiates the function when it is written with keras::ops and Tensor arithmetic
// (keras/ops/ops.hpp), as Keras's backends differentiate a Python function. A function that computes its output some
// other way (a loop over data()) needs its gradient given:
// gradient=[](const Tensor& x, const Tensor& y, const Tensor& dy) { return dx; } (for a list: inputs, y, dy -> one
// gradient per input). A Lambda whose input needs no gradient (right after the model's inputs) needs none.
// A model with a Lambda cannot be saved to a Keras file (Keras would store Python bytecode); save_weights works.
#include <functional>
#include <type_traits>
#include <vector>

#include "keras/layers/layer.hpp"

namespace keras {

// A Lambda's function, of one tensor or of the list of inputs.
struct LambdaFunction {
  std::function<Tensor(const std::vector<Tensor>&)> fn;
  bool takes_list = false;
  template <class F>
    requires std::is_invocable_r_v<Tensor, F, const Tensor&>
  LambdaFunction(F f)  // NOLINT: any callable converts, as a Python callable would
      : fn([f](const std::vector<Tensor>& xs) { return f(xs.at(0)); }) {}
  template <class F>
    requires(!std::is_invocable_r_v<Tensor, F, const Tensor&> &&
             std::is_invocable_r_v<Tensor, F, const std::vector<Tensor>&>)
  LambdaFunction(F f) : fn(std::move(f)), takes_list(true) {}  // NOLINT
};

// gradient=: d loss / d inputs from the inputs, the output and d loss / d output.
struct LambdaGradient {
  std::function<std::vector<Tensor>(const std::vector<Tensor>&, const Tensor&, const Tensor&)> fn;
  template <class F>
    requires std::is_invocable_r_v<Tensor, F, const Tensor&, const Tensor&, const Tensor&>
  LambdaGradient(F f)  // NOLINT
      : fn([f](const std::vector<Tensor>& xs, const Tensor& y, const Tensor& dy) {
          return std::vector<Tensor>{f(xs.at(0), y, dy)};
        }) {}
  template <class F>
    requires(!std::is_invocable_r_v<Tensor, F, const Tensor&, const Tensor&, const Tensor&> &&
             std::is_invocable_r_v<std::vector<Tensor>, F, const std::vector<Tensor>&, const Tensor&, const Tensor&>)
  LambdaGradient(F f) : fn(std::move(f)) {}  // NOLINT
};

// mask=: the output's Keras mask from the inputs and their masks (undefined Tensors where none), or a fixed mask.
struct LambdaMask {
  std::function<Tensor(const std::vector<Tensor>&, const std::vector<Tensor>&)> fn;
  template <class F>
    requires std::is_invocable_r_v<Tensor, F, const Tensor&, const Tensor&>
  LambdaMask(F f)  // NOLINT
      : fn([f](const std::vector<Tensor>& xs, const std::vector<Tensor>& ms) {
          return f(xs.at(0), ms.empty() ? Tensor() : ms[0]);
        }) {}
  template <class F>
    requires(!std::is_invocable_r_v<Tensor, F, const Tensor&, const Tensor&> &&
             std::is_invocable_r_v<Tensor, F, const std::vector<Tensor>&, const std::vector<Tensor>&>)
  LambdaMask(F f) : fn(std::move(f)) {}  // NOLINT
  LambdaMask(Tensor fixed)  // NOLINT
      : fn([fixed](const std::vector<Tensor>&, const std::vector<Tensor>&) { return fixed; }) {}
};

}  // namespace keras

namespace keras::kw {
KERAS_KEYWORD(mask, LambdaMask);
KERAS_KEYWORD(gradient, LambdaGradient);
}  // namespace keras::kw

namespace keras::layers {

class Lambda : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::output_shape_t, kw::mask_t, kw::gradient_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Lambda(LambdaFunction function, A&&... a)
      : Lambda(std::move(function), kw::collect<Lambda>(std::forward<A>(a)...)) {}
  Lambda(LambdaFunction function, const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
