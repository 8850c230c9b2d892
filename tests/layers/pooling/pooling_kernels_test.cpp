// The two pooling implementations of src/backend agree: oneDNN's primitives and the loops (the fallback for empty
// tensors and configurations oneDNN rejects, and training max pooling wherever they measure faster).
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "backend/spatial.hpp"
#include "keras/keras.hpp"

using namespace keras;

namespace {

struct Pool2DConfig {
  int64_t n, c, h, w, kh, kw, sh, sw;
  bool same, channels_first, max;
};

backend::PoolSpec pool2d_spec(const Pool2DConfig& k) {
  backend::PoolSpec p;
  p.n = k.n, p.c = k.c, p.h = k.h, p.w = k.w, p.kh = k.kh, p.kw = k.kw, p.sh = k.sh, p.sw = k.sw;
  p.channels_first = k.channels_first;
  p.max = k.max;
  p.oh = k.same ? (k.h + k.sh - 1) / k.sh : (k.h - k.kh) / k.sh + 1;
  p.ow = k.same ? (k.w + k.sw - 1) / k.sw : (k.w - k.kw) / k.sw + 1;
  if (k.same) {
    const int64_t th = std::max<int64_t>((p.oh - 1) * k.sh + k.kh - k.h, 0);
    const int64_t tw = std::max<int64_t>((p.ow - 1) * k.sw + k.kw - k.w, 0);
    p.pad_top = th / 2, p.pad_bottom = th - th / 2, p.pad_left = tw / 2, p.pad_right = tw - tw / 2;
  }
  return p;
}

backend::Pool2D pool2d_loop_view(const backend::PoolSpec& p) {
  backend::Pool2D q;
  q.n = p.channels_first ? p.n * p.c : p.n;
  q.c = p.channels_first ? 1 : p.c;
  q.h = p.h, q.w = p.w, q.oh = p.oh, q.ow = p.ow, q.kh = p.kh, q.kw = p.kw, q.sh = p.sh, q.sw = p.sw;
  q.pad_top = p.pad_top, q.pad_left = p.pad_left;
  return q;
}

}  // namespace

// Training max pooling runs on whichever side measured faster for the configuration: each side, and the measured
// choice, must give what the loops give.
class PoolingTrainingKernels : public ::testing::TestWithParam<std::optional<backend::PoolTrainingKernels>> {
 protected:
  void SetUp() override { backend::force_pool_training_kernels(GetParam()); }
  void TearDown() override { backend::force_pool_training_kernels(std::nullopt); }
};

INSTANTIATE_TEST_SUITE_P(MaxPooling, PoolingTrainingKernels,
                         ::testing::Values(std::nullopt, backend::PoolTrainingKernels::onednn,
                                           backend::PoolTrainingKernels::loops),
                         [](const auto& info) {
                           if (!info.param) return std::string("Measured");
                           return std::string(*info.param == backend::PoolTrainingKernels::loops ? "Loops" : "OneDnn");
                         });

TEST_P(PoolingTrainingKernels, OneDnnAndLoopsAgree) {
  utils::set_random_seed(71);
  const std::vector<Pool2DConfig> configs = {
      {2, 5, 7, 8, 2, 2, 2, 2, false, false, true},  {2, 5, 7, 8, 3, 3, 2, 2, true, false, true},
      {3, 4, 9, 6, 3, 2, 1, 2, true, true, true},    {2, 3, 1, 10, 1, 3, 1, 2, true, false, true},
      {2, 5, 7, 8, 3, 3, 1, 1, true, false, false},  {2, 4, 6, 6, 2, 2, 3, 3, false, true, false},
      {1, 70, 40, 40, 3, 3, 2, 2, true, false, true},  // large enough for oneDNN's threads
      // The loops' fast paths (2x2 windows inside the array; disjoint windows in backward): odd sizes leave the
      // last row or column outside every window, and steps past the window leave gaps.
      {3, 16, 9, 11, 2, 2, 2, 2, false, false, true}, {2, 3, 8, 9, 2, 2, 3, 3, false, false, true},
      {2, 5, 6, 7, 3, 1, 3, 2, false, false, true},   {4, 32, 26, 26, 2, 2, 2, 2, false, false, true}};
  for (const Pool2DConfig& k : configs) {
    const backend::PoolSpec p = pool2d_spec(k);
    // Integer-valued inputs in a small range: many ties, which both must break the same way (first maximum).
    Tensor x = random::randint(0, 4, {k.n * k.c * k.h * k.w});
    Tensor dy = random::normal({p.n * p.c * p.oh * p.ow});
    Tensor y1 = Tensor::empty(dy.dims()), y2 = Tensor::empty(dy.dims());
    Tensor dx1 = Tensor::empty(x.dims()), dx2 = Tensor::empty(x.dims()), dx3 = Tensor::empty(x.dims());
    const size_t bytes = backend::pool_workspace_bytes(p);
    EXPECT_EQ(bytes > 0, k.max);
    std::vector<unsigned char> workspace(bytes);
    backend::pool_forward(p, x.data(), y1.data(), k.max ? workspace.data() : nullptr);
    backend::pool_backward(p, x.data(), k.max ? workspace.data() : nullptr, dy.data(), dx1.data());
    backend::pool_backward(p, x.data(), nullptr, dy.data(), dx2.data());  // maxima found again
    const backend::Pool2D q = pool2d_loop_view(p);
    if (k.max) {
      backend::max_pool2d(q, x.data(), y2.data(), nullptr);
      backend::max_pool2d_backward(q, x.data(), nullptr, dy.data(), dx3.data());
    } else {
      backend::avg_pool2d(q, x.data(), y2.data());
      backend::avg_pool2d_backward(q, dy.data(), dx3.data());
    }
    EXPECT_LT(max_abs_diff(y1, y2), 1e-6f) << k.kh << "x" << k.kw << " same=" << k.same;
    EXPECT_LT(max_abs_diff(dx1, dx3), 1e-5f) << k.kh << "x" << k.kw << " same=" << k.same;
    EXPECT_EQ(dx1.to_vector(), dx2.to_vector());
  }
}

TEST(PoolingKernelsChoice, LoopsKeepOneFloatPerOutputAsTheirRecord) {
  backend::PoolSpec p;
  p.n = 4, p.c = 32, p.h = 26, p.w = 26, p.oh = 13, p.ow = 13, p.kh = 2, p.kw = 2, p.sh = 2, p.sw = 2;
  backend::force_pool_training_kernels(backend::PoolTrainingKernels::loops);
  EXPECT_EQ(backend::pool_workspace_bytes(p), size_t{4 * 32 * 13 * 13} * sizeof(float));
  backend::force_pool_training_kernels(std::nullopt);
  EXPECT_GT(backend::pool_workspace_bytes(p), 0u);  // either side keeps a record for max pooling
  p.max = false;
  EXPECT_EQ(backend::pool_workspace_bytes(p), 0u);
}

TEST(PoolingKernels, EmptyBatchUsesTheLoops) {
  Tensor x = Tensor::zeros({0, 4, 4, 3});
  EXPECT_EQ(layers::MaxPooling2D()(x).shape(), (Shape{0, 2, 2, 3}));
  EXPECT_EQ(layers::AveragePooling1D(2, kw::padding = "same")(Tensor::zeros({0, 5, 2})).shape(), (Shape{0, 3, 2}));
}
