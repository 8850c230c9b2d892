#pragma once
// Kernels of the volumetric reshaping layers (ZeroPadding3D, Cropping3D, UpSampling3D), on channels-last
// (n, d, h, w, c) arrays. Each depth plane is an (h, w, c) image, so the work is the 2-D kernels of spatial.hpp
// applied plane by plane (their contiguous row copies), plus whole-plane copies along the depth axis. 1-D and 2-D
// data are the case d = 1, and channels_first data is (n * channels, d, h, w, 1), as in spatial.hpp.
#include <cstdint>

#include "backend/spatial.hpp"

namespace keras::backend {

// Copies the (depth, plane.rows, plane.cols) block at depth src_z of src (plane.n, src_d, plane.src_h,
// plane.src_w, c) to depth dst_z of dst (plane.n, dst_d, plane.dst_h, plane.dst_w, c); with zero_rest, the rest of
// dst is zero-filled. `plane` is the block's geometry inside one depth plane (its n is the batch).
struct Box3D {
  Box2D plane;
  int64_t src_d = 1, dst_d = 1;
  int64_t src_z = 0, dst_z = 0, depth = 1;
};
void copy_box3d(const Box3D& b, const float* src, float* dst, bool zero_rest);

// Nearest-neighbour upsampling by integer factors: y (n, d*fd, h*fh, w*fw, c), each voxel repeated fd x fh x fw
// times.
void upsample_nearest3d(const float* x, float* y, int64_t n, int64_t d, int64_t h, int64_t w, int64_t c, int64_t fd,
                        int64_t fh, int64_t fw);
// dx = the sum of dy over each voxel's fd x fh x fw block.
void upsample_nearest3d_backward(const float* dy, float* dx, int64_t n, int64_t d, int64_t h, int64_t w, int64_t c,
                                 int64_t fd, int64_t fh, int64_t fw);

}  // namespace keras::backend
