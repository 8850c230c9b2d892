#pragma once
// The convolution kernels: N-d (1-D, 2-D, 3-D) cross-correlation as Keras's Conv1D/2D/3D compute it, forward and
// backward, with strides, dilation, groups and explicit (possibly asymmetric) padding.
//
// Layouts at this interface (never the kernel library's own):
//   activations: channels_last  (N, [D,] [H,] W, C), or channels_first (N, C, [D,] [H,] W) when spec.channels_first;
//   kernel:      Keras's        (k_0, ..., k_{rank-1}, C / groups, filters), row-major;
//   bias:        (filters,).
// The CPU implementation (conv_dnnl.cpp) runs oneDNN convolution primitives either on the user's channels_last
// layout directly or on oneDNN's blocked layouts with reorders at the edges, whichever measured faster for the pass;
// primitives are created once per ConvSpec and cached for the process. The data gradient can also go through
// sgemm + col2im (conv_im2col.cpp), which measured faster for inputs with fewer than 16 channels;
// ConvDataGradPath::automatic picks per spec.
#include <cstdint>
#include <string>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::backend {

// Everything that fixes a convolution's primitives. Per spatial dimension vectors have `rank` entries.
struct ConvSpec {
  int rank = 2;
  bool channels_first = false;
  int64_t batch = 0, in_channels = 0, filters = 0, groups = 1;
  std::vector<int64_t> in_size, out_size, kernel, strides, dilation, pad_before, pad_after;
  bool operator==(const ConvSpec&) const = default;
};

// One spatial dimension's output size and padding under Keras's rules.
//   "valid":  out = floor((in - d*(k-1) - 1) / s) + 1, no padding (out <= 0 means the input is too small);
//   "same":   out = floor((in - 1) / s) + 1, pad_total = max((out-1)*s + (k-1)*d + 1 - in, 0),
//             pad_before = pad_total / 2 and the extra element, if any, at the end (TensorFlow's convention);
//   "causal": as "same" for the size, with all the padding, d*(k-1), before (Conv1D only).
struct ConvDim {
  int64_t out = 0, pad_before = 0, pad_after = 0;
};
ConvDim conv_output_dim(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, const std::string& padding);

// A fused activation applied to the forward output (after the bias).
enum class ConvActivation { none, relu };

// What a forward call can leave for backward (to be kept in the layer's CallContext): the input and the weights
// already in the kernel library's layouts, so backward need not convert them again. Empty tensors when unused.
struct ConvSaved {
  Tensor src, weights;
  int producer = -1;  // which forward primitive filled it (implementation detail)
};

// y = act(conv(x, kernel) + bias). bias may be null. When saved is given, fills it for conv_backward.
void conv_forward(const ConvSpec& spec, const float* x, const float* kernel, const float* bias, float* y,
                  ConvActivation act = ConvActivation::none, ConvSaved* saved = nullptr);

// Gradients of conv (without activation) given dy = dL/d(conv + bias):
//   dx = dL/dx (overwritten; null to skip), dkernel += dL/dkernel (null to skip), dbias += dL/dbias (null to skip).
// x and kernel are the forward's inputs; saved, if given, is what conv_forward left for the same x and kernel.
void conv_backward(const ConvSpec& spec, const float* x, const float* kernel, const float* dy, float* dx,
                   float* dkernel, float* dbias, const ConvSaved* saved = nullptr);

// How the data gradient is computed. automatic: the measured-faster choice for the spec.
enum class ConvDataGradPath { automatic, onednn, im2col };
void set_conv_data_grad_path(ConvDataGradPath path);  // for tests and measurements
ConvDataGradPath conv_data_grad_path();

// Which layouts the oneDNN primitives work in: automatic (the measured-faster choice per pass), blocked
// (format_tag::any, with reorders from and to the user's layout) or plain (the user's channels_last layout itself,
// where oneDNN has a fast kernel for it). For tests and measurements.
enum class ConvLayoutPolicy { automatic, blocked, plain };
void set_conv_layout_policy(ConvLayoutPolicy policy);

// Number of primitive sets created so far (one per distinct ConvSpec and pass); for tests of the cache.
int64_t conv_primitives_created();

namespace detail {
// dx = data gradient through im2col + sgemm (channels_last only). Used by conv_backward.
void conv_backward_data_im2col(const ConvSpec& spec, const float* dy, const float* kernel, float* dx);
}  // namespace detail

}  // namespace keras::backend
