#pragma once
// Activations by name ("relu") and as functions (activations::relu(x), activation=activations::relu).
// Layers use the kernel interface (ActivationKernel): forward and backward over a (rows, cols) block, where
// row-wise activations (softmax, log_softmax) normalise along cols (the last axis).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/core/args.hpp"
#include "keras/core/tensor.hpp"

namespace keras::activations {

class ActivationKernel {
 public:
  virtual ~ActivationKernel() = default;
  virtual std::string name() const = 0;
  virtual void forward(const float* x, float* y, int64_t rows, int64_t cols) const = 0;
  // dx = dy * f'(x), with y = f(x) given too so most kernels need not recompute it. dx may alias dy.
  virtual void backward(const float* x, const float* y, const float* dy, float* dx, int64_t rows,
                        int64_t cols) const = 0;
  virtual bool is_linear() const { return false; }
  // Whether backward reads x (false: it needs only y, so layers need not keep the pre-activation).
  virtual bool backward_needs_input() const { return true; }
  // Whether the activation mixes values along a row (softmax, log_softmax); elementwise ones ignore rows/cols.
  virtual bool is_row_wise() const { return false; }
};
// Kernels read x and write y element by element (softmax: row by row), so y may be x (in place); in backward,
// dx may be dy. A kernel with backward_needs_input() false never reads x in backward (x may be nullptr there);
// one with backward_needs_input() true reads x and not y (y may be nullptr).

// The kernel for an activation given by name or function; "" and "linear" give the identity.
// Aliases resolve as in Keras: "swish" gives the "silu" kernel, "hard_swish" the "hard_silu" one.
// An unknown name is a ValueError listing the valid names.
std::shared_ptr<const ActivationKernel> get(const ActivationArg& activation);
// The Keras names, sorted.
std::vector<std::string> names();

// Applies a kernel to a whole tensor (last axis = cols).
Tensor apply(const ActivationKernel& k, const Tensor& x);
// dx for a whole tensor.
Tensor gradient(const ActivationKernel& k, const Tensor& x, const Tensor& y, const Tensor& dy);

// Kernels with non-default parameters (for layers::ReLU, LeakyReLU, ELU and keras.activations.* keywords).
// keras.activations.relu(x, negative_slope, max_value, threshold), with Keras's formula.
std::shared_ptr<const ActivationKernel> relu_kernel(double negative_slope = 0.0,
                                                    std::optional<double> max_value = std::nullopt,
                                                    double threshold = 0.0);
std::shared_ptr<const ActivationKernel> leaky_relu_kernel(double negative_slope = 0.2);
std::shared_ptr<const ActivationKernel> elu_kernel(double alpha = 1.0);
std::shared_ptr<const ActivationKernel> celu_kernel(double alpha = 1.0);
std::shared_ptr<const ActivationKernel> gelu_kernel(bool approximate = false);
std::shared_ptr<const ActivationKernel> soft_shrink_kernel(double threshold = 0.5);
std::shared_ptr<const ActivationKernel> hard_shrink_kernel(double threshold = 0.5);
std::shared_ptr<const ActivationKernel> squareplus_kernel(double b = 4.0);

// A named activation usable as a function and as an activation= argument.
struct Function {
  const char* name;
  Tensor operator()(const Tensor& x) const;
};

inline constexpr Function relu{"relu"};
inline constexpr Function sigmoid{"sigmoid"};
inline constexpr Function softmax{"softmax"};
inline constexpr Function tanh{"tanh"};
inline constexpr Function linear{"linear"};
inline constexpr Function elu{"elu"};
inline constexpr Function selu{"selu"};
inline constexpr Function gelu{"gelu"};
inline constexpr Function softplus{"softplus"};
inline constexpr Function softsign{"softsign"};
inline constexpr Function swish{"swish"};
inline constexpr Function silu{"silu"};
inline constexpr Function leaky_relu{"leaky_relu"};
inline constexpr Function relu6{"relu6"};
inline constexpr Function hard_sigmoid{"hard_sigmoid"};
inline constexpr Function exponential{"exponential"};
inline constexpr Function log_softmax{"log_softmax"};
inline constexpr Function hard_silu{"hard_silu"};
inline constexpr Function hard_swish{"hard_swish"};
inline constexpr Function mish{"mish"};
inline constexpr Function tanh_shrink{"tanh_shrink"};
inline constexpr Function hard_tanh{"hard_tanh"};
inline constexpr Function hard_shrink{"hard_shrink"};
inline constexpr Function soft_shrink{"soft_shrink"};
inline constexpr Function log_sigmoid{"log_sigmoid"};
inline constexpr Function squareplus{"squareplus"};
inline constexpr Function sparse_plus{"sparse_plus"};
inline constexpr Function celu{"celu"};

}  // namespace keras::activations
