#pragma once
// A 2-D convolution with relu followed by 2x2 max pooling with steps of 2, as one kernel: Keras's most common first
// block (Conv2D(32, 3, activation="relu") -> MaxPooling2D(2) on images of 1 to 4 channels).
//
// Why: with so few input channels the convolution is cheap arithmetic around a large output (at batch 32 on
// 28x28 images, 2.77 MB written, read by the pooling, and in backward a gradient of the same size written by the
// pooling, converted and read again). oneDNN has no convolution + pooling fusion, and in the benchmark's cnn these
// passes cost about 0.5 ms of a 2.6 ms training step. Here the convolution output lives only in registers: forward
// writes the pooled output and, for backward, one byte per pooled value saying which of its four inputs was the
// maximum; backward turns the pooled gradient straight into the kernel and bias gradients.
//
// Layouts: x (batch, in_h, in_w, in_channels) channels_last; kernel Keras's (kernel_h, kernel_w, in_channels,
// filters); bias (filters,); y and the pooled gradient (batch, out_h, out_w, filters), out = floor(conv_out / 2).
#include <cstddef>
#include <cstdint>

namespace keras::backend {

struct ConvPoolSpec {
  int64_t batch = 0, in_h = 0, in_w = 0, in_channels = 0, filters = 0;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;  // the convolution's zero padding ("same")
  // The convolution's output size, and the pooled one (floor of half: "valid" pooling drops an odd last row).
  int64_t conv_h() const { return in_h + pad_top + pad_bottom - kernel_h + 1; }
  int64_t conv_w() const { return in_w + pad_left + pad_right - kernel_w + 1; }
  int64_t out_h() const { return conv_h() / 2; }
  int64_t out_w() const { return conv_w() / 2; }
};

// Whether the fused kernel runs this spec on this machine: it needs AVX-512 (checked at run time; the library is
// built for AVX2), at most 4 input channels and a kernel of at most 7x7 (else the unfused layers run as usual).
bool conv_pool_fusable(const ConvPoolSpec& s);
// Turns the fusion and conv_few_channels off (or on again) for the process: for tests comparing the paths.
void set_conv_pool_fusion(bool on);

// What forward records for backward: one byte per pooled value.
size_t conv_pool_record_bytes(const ConvPoolSpec& s);

// y = maxpool(relu(conv(x, kernel) + bias)); bias may be null. With record non-null, also writes per pooled value
// which input of its 2x2 window was the maximum (the first on ties), or that none takes a gradient (the maximum
// is not above 0: relu's gradient is 0 there).
void conv_relu_maxpool_forward(const ConvPoolSpec& s, const float* x, const float* kernel, const float* bias, float* y,
                               unsigned char* record);
// dkernel += dL/dkernel and dbias += dL/dbias (either may be null) given dy = dL/dy and forward's record.
void conv_relu_maxpool_backward(const ConvPoolSpec& s, const float* x, const unsigned char* record, const float* dy,
                                float* dkernel, float* dbias);
// The few-channel kernels of a plain convolution (no pooling), for the same specs as the fused kernel
// (conv_pool_fusable, but any output size of at least 1x1): whether they run this spec on this machine.
bool conv_few_channels(const ConvPoolSpec& s);
// Forward: y = conv(x, kernel) + bias (bias may be null), then relu when with_relu; y (batch, conv_h, conv_w,
// filters). Why: oneDNN's forward for 1-4 input channels took twice as long (the cnn_bn benchmark's first convolution
// at batch 32, inside a training step: 199 us, this kernel 101).
void conv_forward_few_channels(const ConvPoolSpec& s, const float* x, const float* kernel, const float* bias,
                               bool with_relu, float* y);
// Kernel gradient (dy = dL/dz, the convolution's output gradient, (batch, conv_h, conv_w, filters), any
// activation's gradient already applied): dkernel += ..., dbias += ... (either may be null). Why: oneDNN's
// backward-weights primitive for so few input channels takes dy in a blocked layout, and reordering the large
// first-layer gradient into it cost twice the arithmetic (the cnn_bn benchmark at batch 32: reorder 172 us +
// convolution 89 us).
void conv_backward_weights_few_channels(const ConvPoolSpec& s, const float* x, const float* dy, float* dkernel,
                                        float* dbias);
// dz = the gradient of the convolution's output before relu, (batch, conv_h, conv_w, filters): dy at each recorded
// maximum, 0 elsewhere (for the input's gradient, which the fused kernel does not compute).
void conv_relu_maxpool_scatter(const ConvPoolSpec& s, const unsigned char* record, const float* dy, float* dz);

}  // namespace keras::backend
