// 3-D pooling's two implementations agree: oneDNN's 3-D primitives (what the layers run) and the loops' two 2-D
// passes (the fallback where oneDNN declines), forward and backward, ties included.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "backend/spatial.hpp"
#include "keras/keras.hpp"

using namespace keras;

namespace {

struct Pool3DConfig {
  int64_t n, c;
  std::array<int64_t, 3> size, pool, strides;
  bool same, channels_first, max;
};

backend::PoolSpec pool3d_spec(const Pool3DConfig& k) {
  std::array<int64_t, 3> out{}, before{}, after{};
  for (size_t a = 0; a < 3; ++a) {
    out[a] = k.same ? (k.size[a] + k.strides[a] - 1) / k.strides[a] : (k.size[a] - k.pool[a]) / k.strides[a] + 1;
    const int64_t total = k.same ? std::max<int64_t>((out[a] - 1) * k.strides[a] + k.pool[a] - k.size[a], 0) : 0;
    before[a] = total / 2, after[a] = total - total / 2;
  }
  backend::PoolSpec p;
  p.n = k.n, p.c = k.c, p.channels_first = k.channels_first, p.max = k.max;
  p.d = k.size[0], p.h = k.size[1], p.w = k.size[2], p.od = out[0], p.oh = out[1], p.ow = out[2];
  p.kd = k.pool[0], p.kh = k.pool[1], p.kw = k.pool[2], p.sd = k.strides[0], p.sh = k.strides[1], p.sw = k.strides[2];
  p.pad_front = before[0], p.pad_top = before[1], p.pad_left = before[2];
  p.pad_back = after[0], p.pad_bottom = after[1], p.pad_right = after[2];
  return p;
}

// The loops' view: channels_first data pools each channel's volume on its own.
backend::Pool3D pool3d_loop_view(const backend::PoolSpec& p) {
  backend::Pool3D q;
  q.plane.n = p.channels_first ? p.n * p.c : p.n;
  q.plane.c = p.channels_first ? 1 : p.c;
  q.plane.h = p.h, q.plane.w = p.w, q.plane.oh = p.oh, q.plane.ow = p.ow;
  q.plane.kh = p.kh, q.plane.kw = p.kw, q.plane.sh = p.sh, q.plane.sw = p.sw;
  q.plane.pad_top = p.pad_top, q.plane.pad_left = p.pad_left;
  q.d = p.d, q.od = p.od, q.kd = p.kd, q.sd = p.sd, q.pad_front = p.pad_front;
  return q;
}

}  // namespace

TEST(Pooling3DKernels, OneDnnAndLoopsAgree) {
  utils::set_random_seed(95);
  const std::vector<Pool3DConfig> configs = {
      {2, 3, {4, 5, 6}, {2, 2, 2}, {2, 2, 2}, false, false, true},
      {2, 3, {5, 4, 7}, {3, 3, 3}, {2, 1, 2}, true, false, true},
      {2, 4, {5, 6, 3}, {3, 2, 2}, {1, 2, 1}, true, true, true},
      {1, 2, {6, 5, 4}, {2, 3, 1}, {3, 3, 2}, false, false, true},
      {2, 3, {5, 4, 6}, {3, 3, 3}, {1, 1, 1}, true, false, false},
      {2, 4, {6, 6, 5}, {2, 2, 3}, {3, 2, 2}, false, true, false},
      {1, 40, {12, 12, 12}, {3, 3, 3}, {2, 2, 2}, true, false, true},  // large enough for oneDNN's threads
  };
  for (const Pool3DConfig& k : configs) {
    const backend::PoolSpec p = pool3d_spec(k);
    // Integer-valued inputs in a small range: many ties, which both must break the same way (first maximum).
    Tensor x = random::randint(0, 4, {p.n * p.c * p.d * p.h * p.w});
    Tensor dy = random::normal({p.n * p.c * p.od * p.oh * p.ow});
    Tensor y1 = Tensor::empty(dy.dims()), y2 = Tensor::empty(dy.dims());
    Tensor dx1 = Tensor::empty(x.dims()), dx2 = Tensor::empty(x.dims()), dx3 = Tensor::empty(x.dims());
    const size_t bytes = backend::pool_workspace_bytes(p);
    EXPECT_EQ(bytes > 0, k.max);
    std::vector<unsigned char> workspace(bytes);
    backend::pool_forward(p, x.data(), y1.data(), k.max ? workspace.data() : nullptr);
    backend::pool_backward(p, x.data(), k.max ? workspace.data() : nullptr, dy.data(), dx1.data());
    backend::pool_backward(p, x.data(), nullptr, dy.data(), dx2.data());  // maxima found again
    backend::pool3d(pool3d_loop_view(p), k.max, x.data(), y2.data());
    backend::pool3d_backward(pool3d_loop_view(p), k.max, x.data(), dy.data(), dx3.data());
    EXPECT_LT(max_abs_diff(y1, y2), 1e-6f) << "config " << &k - configs.data();
    EXPECT_LT(max_abs_diff(dx1, dx3), 1e-5f) << "config " << &k - configs.data();
    EXPECT_EQ(dx1.to_vector(), dx2.to_vector()) << "config " << &k - configs.data();
  }
}

TEST(Pooling3DKernels, EmptyTensorsUseTheLoops) {
  EXPECT_EQ(layers::MaxPooling3D()(Tensor::zeros({0, 4, 4, 4, 3})).shape(), (Shape{0, 2, 2, 2, 3}));
  EXPECT_EQ(layers::AveragePooling3D(2, kw::padding = "same")(Tensor::zeros({2, 0, 3, 3, 2})).shape(),
            (Shape{2, 0, 2, 2, 2}));
  EXPECT_EQ(layers::MaxPooling3D(2, kw::padding = "same", kw::data_format = "channels_first")(
                Tensor::zeros({2, 0, 3, 3, 3}))
                .shape(),
            (Shape{2, 0, 2, 2, 2}));
}
