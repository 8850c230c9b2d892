// The data gradient of a channels_last convolution through sgemm + col2im:
//   dcol[(n, out pixel), (kernel position, c)] = dy[(n, out pixel), group's filters] x kernel[(kernel position, c),
//   group's filters]^T, then each dcol row is scattered (added) into the input pixels its window covers.
// Both operands are already row-major matrices in Keras's layouts, so no reorder is needed. Images are processed in
// chunks so the column buffer stays a few MB, and col2im runs in parallel over the images of a chunk (each image
// writes only its own slice of dx).
#include <omp.h>

#include <algorithm>
#include <cstring>

#include "backend/conv_kernels.hpp"
#include "backend/kernels.hpp"

namespace keras::backend::detail {

namespace {
// Floats of column buffer per chunk of images (4 MB).
constexpr int64_t kChunkFloats = int64_t{1} << 20;

struct Geometry3 {
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, stride[3] = {1, 1, 1}, dil[3] = {1, 1, 1},
          pad[3] = {0, 0, 0};
};

// Adds one image's column rows into its input gradient (channels_last, the group's channel slice).
void col2im(const Geometry3& g, const float* col, int64_t ld_col, int64_t cg, float* img, int64_t c_total) {
  int64_t row = 0;
  for (int64_t od = 0; od < g.out[0]; ++od)
    for (int64_t oh = 0; oh < g.out[1]; ++oh)
      for (int64_t ow = 0; ow < g.out[2]; ++ow, ++row) {
        const float* crow = col + row * ld_col;
        for (int64_t kd = 0; kd < g.k[0]; ++kd) {
          const int64_t id = od * g.stride[0] - g.pad[0] + kd * g.dil[0];
          if (id < 0 || id >= g.in[0]) continue;
          for (int64_t kh = 0; kh < g.k[1]; ++kh) {
            const int64_t ih = oh * g.stride[1] - g.pad[1] + kh * g.dil[1];
            if (ih < 0 || ih >= g.in[1]) continue;
            for (int64_t kw = 0; kw < g.k[2]; ++kw) {
              const int64_t iw = ow * g.stride[2] - g.pad[2] + kw * g.dil[2];
              if (iw < 0 || iw >= g.in[2]) continue;
              float* __restrict d = img + ((id * g.in[1] + ih) * g.in[2] + iw) * c_total;
              const float* __restrict c = crow + ((kd * g.k[1] + kh) * g.k[2] + kw) * cg;
#pragma omp simd
              for (int64_t ci = 0; ci < cg; ++ci) d[ci] += c[ci];
            }
          }
        }
      }
}
}  // namespace

void conv_backward_data_im2col(const ConvSpec& s, const float* dy, const float* kernel, float* dx) {
  Geometry3 g;
  const int off = 3 - s.rank;
  for (int i = 0; i < s.rank; ++i) {
    const auto u = static_cast<size_t>(i);
    g.in[off + i] = s.in_size[u];
    g.out[off + i] = s.out_size[u];
    g.k[off + i] = s.kernel[u];
    g.stride[off + i] = s.strides[u];
    g.dil[off + i] = s.dilation[u];
    g.pad[off + i] = s.pad_before[u];
  }
  const int64_t N = s.batch, C = s.in_channels, O = s.filters, G = s.groups, cg = C / G, og = O / G;
  const int64_t in_pix = g.in[0] * g.in[1] * g.in[2], out_pix = g.out[0] * g.out[1] * g.out[2];
  const int64_t cols = g.k[0] * g.k[1] * g.k[2] * cg;
  std::memset(dx, 0, static_cast<size_t>(N * in_pix * C) * sizeof(float));
  if (N == 0 || out_pix == 0) return;
  const int64_t per_image = out_pix * cols;
  // At least one image per thread, so that col2im keeps every core busy.
  const int64_t threads = omp_get_max_threads();
  const int64_t chunk = std::min(N, std::max(threads, kChunkFloats / std::max<int64_t>(per_image, 1)));
  Tensor dcol = Tensor::empty({chunk * per_image});
  for (int64_t n0 = 0; n0 < N; n0 += chunk) {
    const int64_t nc = std::min(chunk, N - n0);
    for (int64_t grp = 0; grp < G; ++grp) {
      gemm(false, true, nc * out_pix, cols, og, 1.0f, dy + n0 * out_pix * O + grp * og, O, kernel + grp * og, O, 0.0f,
           dcol.data(), cols);
      const float* col = dcol.data();
      float* dx0 = dx + n0 * in_pix * C + grp * cg;
#pragma omp parallel for schedule(static) if (nc > 1)
      for (int64_t n = 0; n < nc; ++n) col2im(g, col + n * per_image, cols, cg, dx0 + n * in_pix * C, C);
    }
  }
}

}  // namespace keras::backend::detail
