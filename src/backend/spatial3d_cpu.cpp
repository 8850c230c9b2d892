// The volumetric kernels of spatial3d.hpp: the 2-D kernels of spatial_cpu.cpp on each depth plane, OpenMP over the
// planes. Where the depth axis is untouched (1-D and 2-D data, or no padding, cropping or repeat along depth), the
// planes are just more images and one 2-D call does everything.
#include <cstring>
#include <vector>

#include "backend/spatial3d.hpp"

namespace keras::backend {

namespace {

size_t bytes(int64_t floats) { return static_cast<size_t>(floats) * sizeof(float); }

}  // namespace

void copy_box3d(const Box3D& b, const float* src, float* dst, bool zero_rest) {
  const Box2D& p = b.plane;
  if (b.src_d == b.depth && b.dst_d == b.depth) {
    Box2D images = p;
    images.n = p.n * b.depth;
    return copy_box2d(images, src, dst, zero_rest);
  }
  Box2D one = p;
  one.n = 1;
  const int64_t src_plane = p.src_h * p.src_w * p.c, dst_plane = p.dst_h * p.dst_w * p.c;
  const int64_t planes = p.n * b.dst_d;
#pragma omp parallel for if (planes * dst_plane > kParallelWork)
  for (int64_t i = 0; i < planes; ++i) {
    const int64_t batch = i / b.dst_d, z = i % b.dst_d;
    float* d = dst + i * dst_plane;
    if (z < b.dst_z || z >= b.dst_z + b.depth) {
      if (zero_rest) std::memset(d, 0, bytes(dst_plane));
      continue;
    }
    copy_box2d(one, src + (batch * b.src_d + z - b.dst_z + b.src_z) * src_plane, d, zero_rest);
  }
}

void upsample_nearest3d(const float* x, float* y, int64_t n, int64_t d, int64_t h, int64_t w, int64_t c, int64_t fd,
                        int64_t fh, int64_t fw) {
  if (fd == 1) return upsample_nearest2d(x, y, n * d, h, w, c, fh, fw);
  const int64_t in_plane = h * w * c, out_plane = h * fh * w * fw * c, planes = n * d;
#pragma omp parallel for if (planes * fd * out_plane > kParallelWork)
  for (int64_t i = 0; i < planes; ++i) {
    float* first = y + i * fd * out_plane;  // output plane i * fd: (b * d + z) * fd == b * (d * fd) + z * fd
    upsample_nearest2d(x + i * in_plane, first, 1, h, w, c, fh, fw);
    for (int64_t k = 1; k < fd; ++k) std::memcpy(first + k * out_plane, first, bytes(out_plane));
  }
}

void upsample_nearest3d_backward(const float* dy, float* dx, int64_t n, int64_t d, int64_t h, int64_t w, int64_t c,
                                 int64_t fd, int64_t fh, int64_t fw) {
  if (fd == 1) return upsample_nearest2d_backward(dy, dx, n * d, h, w, c, fh, fw);
  const int64_t in_plane = h * w * c, out_plane = h * fh * w * fw * c, planes = n * d;
#pragma omp parallel if (planes * fd * out_plane > kParallelWork)
  {
    // The fd output planes a depth slice was repeated into: their sum, whose 2-D repeat is then undone.
    std::vector<float> sum(static_cast<size_t>(out_plane));
#pragma omp for
    for (int64_t i = 0; i < planes; ++i) {
      const float* g = dy + i * fd * out_plane;
      float* __restrict s = sum.data();
      std::memcpy(s, g, bytes(out_plane));
      for (int64_t k = 1; k < fd; ++k) {
        const float* __restrict gk = g + k * out_plane;
        for (int64_t j = 0; j < out_plane; ++j) s[j] += gk[j];
      }
      upsample_nearest2d_backward(s, dx + i * in_plane, 1, h, w, c, fh, fw);
    }
  }
}

}  // namespace keras::backend
