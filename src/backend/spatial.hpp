#pragma once
// Kernels of the spatial layers (pooling, zero padding, cropping, upsampling), on channels-last data.
//
// Everything works on (batch, height, width, channels) arrays, row-major, with the channel axis contiguous so the
// inner loops vectorise. The layers map their other layouts onto this one without moving data:
//   - 1D data (batch, steps, channels) is (batch, 1, steps, channels);
//   - channels_first data (batch, channels, h, w) is (batch * channels, h, w, 1), since each channel plane is
//     pooled, padded or resized on its own.
#include <cstddef>
#include <cstdint>
#include <optional>

namespace keras::backend {

// The spatial loops parallelise when they touch more than this many floats; below it threads cost more than they
// save. A 2-D kernel called inside a parallel 3-D loop then runs on its thread alone (OpenMP does not nest by default).
inline constexpr int64_t kParallelWork = 1 << 15;

// An (n, h, w, c) array and the window geometry of a 2-D pooling: output (n, oh, ow, c); window (kh, kw), steps
// (sh, sw); pad_top / pad_left: how far the first window starts before the array (TensorFlow's "same" puts the
// smaller half of the padding first). Windows are clipped to the array: padding never enters a max or an average.
struct Pool2D {
  int64_t n = 0, h = 0, w = 0, c = 0;
  int64_t oh = 0, ow = 0;
  int64_t kh = 1, kw = 1, sh = 1, sw = 1;
  int64_t pad_top = 0, pad_left = 0;
};

// ---- Plain loops over channels-last rows (spatial_cpu.cpp). ----
// y = max over each window. With argmax non-null, also writes the position of the maximum inside its window
// (ky * kw + kx, as a float; the first one on ties) for max_pool2d_backward.
void max_pool2d(const Pool2D& p, const float* x, float* y, float* argmax);
// dx = dy routed to each window's maximum (summed where windows overlap). argmax from max_pool2d, or null to
// find the maxima again from x.
void max_pool2d_backward(const Pool2D& p, const float* x, const float* argmax, const float* dy, float* dx);
// y = mean over the part of each window inside the array.
void avg_pool2d(const Pool2D& p, const float* x, float* y);
// dx = dy spread evenly over each window's elements inside the array.
void avg_pool2d_backward(const Pool2D& p, const float* dy, float* dx);

// A 3-D pooling of (n, d, h, w, c) to (n, od, oh, ow, c): `plane` holds n, c and the (h, w) geometry; d, od, kd, sd
// and pad_front the depth's. The loops pool it in two passes, each depth slice's planes and then across depth: max and
// the clipped average both separate so, and the maximum backward picks stays the first of its window in (depth,
// height, width) order. Backward finds the maxima again from x (no record is kept).
struct Pool3D {
  Pool2D plane;
  int64_t d = 0, od = 0, kd = 1, sd = 1, pad_front = 0;
};
void pool3d(const Pool3D& p, bool max, const float* x, float* y);
void pool3d_backward(const Pool3D& p, bool max, const float* x, const float* dy, float* dx);

// ---- Pooling through oneDNN (pooling_dnnl.cpp): what the layers use. ----
// Measured against the loops below on the project's Zen 5, one thread, NHWC, best of 30 runs (e.g. max 2x2/2 on
// 32x28x28x32: 53 vs 97 us inference, 56 vs 222 us training, 62 vs 235 us backward): oneDNN's JIT kernels are
// 1.5-3x faster for inference (10x for overlapping average windows), 3-12x for training max pooling (recording the
// maxima) and 2-4x for backward, and as fast for tiny tensors (0.4 us). On a Xeon with AMX, training max pooling
// was the other way round, so each configuration's training passes go to whichever measures faster on the machine
// (pool_workspace_bytes). The loops are also the fallback for empty tensors or a configuration oneDNN rejects.
// x and dx are (n, h, w, c), or (n, c, h, w) with channels_first (oneDNN takes both layouts directly); the padding
// may differ on each side. 3-D pooling adds a depth axis before h, (n, d, h, w, c) or (n, c, d, h, w); d = 1 is
// 2-D pooling. 3-D training passes always run on oneDNN (the loops keep no record of 3-D maxima).
struct PoolSpec {
  int64_t n = 0, c = 0, d = 1, h = 0, w = 0, od = 1, oh = 0, ow = 0;
  int64_t kd = 1, kh = 1, kw = 1, sd = 1, sh = 1, sw = 1;
  int64_t pad_front = 0, pad_back = 0, pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  bool channels_first = false;
  bool max = true;
};
// Bytes of the record forward keeps for backward in training (where each maximum was); 0 when none is needed.
// For max pooling this also settles who runs the training passes of this configuration (pooling_dnnl.cpp times
// oneDNN against the loops once), so call it before pool_forward with a workspace.
size_t pool_workspace_bytes(const PoolSpec& p);
// y = the pooling of x. With workspace (pool_workspace_bytes bytes, for max pooling in training) records the maxima.
void pool_forward(const PoolSpec& p, const float* x, float* y, void* workspace);
// dx from dy; workspace from pool_forward, or null (max pooling then finds the maxima in x again).
void pool_backward(const PoolSpec& p, const float* x, const void* workspace, const float* dy, float* dx);

// Tests: make every configuration's training max pooling use one side (nullopt: measure again, the default).
enum class PoolTrainingKernels { onednn, loops };
void force_pool_training_kernels(std::optional<PoolTrainingKernels> kernels);

// Global pooling of (outer, steps, inner) over the middle axis: y (outer, inner).
void global_avg_pool(const float* x, float* y, int64_t outer, int64_t steps, int64_t inner);
void global_avg_pool_backward(const float* dy, float* dx, int64_t outer, int64_t steps, int64_t inner);
void global_max_pool(const float* x, float* y, int64_t outer, int64_t steps, int64_t inner);
// dx = dy at the first maximum of each (outer, inner) column of x, zero elsewhere.
void global_max_pool_backward(const float* x, const float* dy, float* dx, int64_t outer, int64_t steps,
                              int64_t inner);

// Copies the (rows, cols) block at (src_row, src_col) of src (n, sh, sw, c) to (dst_row, dst_col) of dst
// (n, dh, dw, c); with zero_rest, the rest of dst is zero-filled. Zero padding and cropping, and their gradients.
struct Box2D {
  int64_t n = 0, c = 0;
  int64_t src_h = 0, src_w = 0, dst_h = 0, dst_w = 0;
  int64_t src_row = 0, src_col = 0, dst_row = 0, dst_col = 0;
  int64_t rows = 0, cols = 0;
};
void copy_box2d(const Box2D& b, const float* src, float* dst, bool zero_rest);

// Nearest-neighbour upsampling by integer factors: y (n, h*fh, w*fw, c), each input pixel repeated fh x fw times.
void upsample_nearest2d(const float* x, float* y, int64_t n, int64_t h, int64_t w, int64_t c, int64_t fh, int64_t fw);
// dx = the sum of dy over each pixel's fh x fw block.
void upsample_nearest2d_backward(const float* dy, float* dx, int64_t n, int64_t h, int64_t w, int64_t c, int64_t fh,
                                 int64_t fw);
// Bilinear resizing to (oh, ow) with half-pixel centres, edges clamped (tf.image.resize / jax.image.resize for
// upsampling).
void resize_bilinear2d(const float* x, float* y, int64_t n, int64_t h, int64_t w, int64_t c, int64_t oh, int64_t ow);
void resize_bilinear2d_backward(const float* dy, float* dx, int64_t n, int64_t h, int64_t w, int64_t c, int64_t oh,
                                int64_t ow);

}  // namespace keras::backend
