// The convolution kernel interface (src/backend/conv_kernels.hpp), below the layers: Keras's padding arithmetic,
// the primitive cache, and the two data-gradient paths against each other and a naive reference.
#include "backend/conv_kernels.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/convolutional/conv_reference.hpp"

using namespace keras;
using conv_test::keras_out_size;
using conv_test::keras_pad_before;

namespace {

backend::ConvSpec make_spec(std::vector<int64_t> in, int64_t c, int64_t f, std::vector<int64_t> k,
                            std::vector<int64_t> s, std::vector<int64_t> d, const std::string& padding,
                            int64_t groups = 1, int64_t batch = 2) {
  backend::ConvSpec spec;
  spec.rank = static_cast<int>(in.size());
  spec.batch = batch;
  spec.in_channels = c;
  spec.filters = f;
  spec.groups = groups;
  spec.in_size = in;
  spec.kernel = k;
  spec.strides = s;
  spec.dilation = d;
  for (size_t i = 0; i < in.size(); ++i) {
    auto dim = backend::conv_output_dim(in[i], k[i], s[i], d[i], padding);
    spec.out_size.push_back(dim.out);
    spec.pad_before.push_back(dim.pad_before);
    spec.pad_after.push_back(dim.pad_after);
  }
  return spec;
}

std::vector<int64_t> dims_of(const backend::ConvSpec& s, bool out) {
  std::vector<int64_t> d{s.batch};
  const auto& sp = out ? s.out_size : s.in_size;
  d.insert(d.end(), sp.begin(), sp.end());
  d.push_back(out ? s.filters : s.in_channels);
  return d;
}

std::vector<int64_t> kernel_dims(const backend::ConvSpec& s) {
  std::vector<int64_t> d = s.kernel;
  d.push_back(s.in_channels / s.groups);
  d.push_back(s.filters);
  return d;
}

// Restores the automatic data-gradient path and layout policy when a test ends.
struct PathGuard {
  ~PathGuard() {
    backend::set_conv_data_grad_path(backend::ConvDataGradPath::automatic);
    backend::set_conv_layout_policy(backend::ConvLayoutPolicy::automatic);
  }
};
constexpr backend::ConvLayoutPolicy kPolicies[] = {backend::ConvLayoutPolicy::automatic,
                                                   backend::ConvLayoutPolicy::blocked, backend::ConvLayoutPolicy::plain};

}  // namespace

TEST(ConvKernels, OutputDimFollowsKerasFormula) {
  for (int64_t n = 1; n <= 13; ++n)
    for (int64_t k = 1; k <= 5; ++k)
      for (int64_t s = 1; s <= 3; ++s)
        for (int64_t d = 1; d <= 3; ++d)
          for (const char* p : {"valid", "same", "causal"}) {
            SCOPED_TRACE(::testing::Message() << "n=" << n << " k=" << k << " s=" << s << " d=" << d << " " << p);
            auto r = backend::conv_output_dim(n, k, s, d, p);
            EXPECT_EQ(r.out, keras_out_size(n, k, s, d, p));
            EXPECT_EQ(r.pad_before, keras_pad_before(n, k, s, d, p));
            if (r.out <= 0) continue;
            // The padded input holds exactly `out` windows.
            EXPECT_EQ((n + r.pad_before + r.pad_after - d * (k - 1) - 1) / s + 1, r.out);
            if (std::string(p) == "same") {
              EXPECT_TRUE(r.pad_after == r.pad_before || r.pad_after == r.pad_before + 1);
            }
          }
  // Keras: a 5-wide input, kernel 4, stride 1, "same": 3 padding elements, 1 before and 2 after.
  auto r = backend::conv_output_dim(5, 4, 1, 1, "same");
  EXPECT_EQ(r.out, 5);
  EXPECT_EQ(r.pad_before, 1);
  EXPECT_EQ(r.pad_after, 2);
}

TEST(ConvKernels, ForwardMatchesReference) {
  PathGuard guard;
  utils::set_random_seed(3);
  struct Case {
    std::vector<int64_t> in;
    int64_t c, f;
    std::vector<int64_t> k, s, d;
    const char* padding;
    int64_t groups;
  };
  std::vector<Case> cases = {
      {{9}, 3, 4, {3}, {1}, {1}, "valid", 1},          {{10}, 4, 6, {4}, {2}, {1}, "same", 2},
      {{11}, 2, 3, {3}, {1}, {2}, "causal", 1},        {{7, 8}, 3, 5, {3, 3}, {1, 1}, {1, 1}, "valid", 1},
      {{7, 8}, 4, 6, {2, 3}, {2, 1}, {1, 1}, "same", 2}, {{9, 9}, 2, 4, {3, 3}, {1, 1}, {2, 3}, "same", 1},
      {{6, 6}, 6, 6, {3, 3}, {1, 1}, {1, 1}, "same", 6}, {{5, 6, 7}, 2, 3, {2, 3, 2}, {1, 2, 1}, {1, 1, 1}, "same", 1},
      {{6, 6, 6}, 4, 4, {3, 3, 3}, {1, 1, 1}, {2, 1, 1}, "valid", 2},
  };
  for (const auto& c : cases) {
    for (int run = 0; run < 6; ++run) {
      const bool relu = run % 2;
      backend::set_conv_layout_policy(kPolicies[run / 2]);
      auto spec = make_spec(c.in, c.c, c.f, c.k, c.s, c.d, c.padding, c.groups);
      SCOPED_TRACE(::testing::Message() << "rank " << spec.rank << " padding " << c.padding << " groups " << c.groups
                                        << " relu " << relu << " layout policy " << run / 2);
      Tensor x = random::normal(dims_of(spec, false));
      Tensor w = random::normal(kernel_dims(spec));
      Tensor b = random::normal({c.f});
      Tensor y = Tensor::empty(dims_of(spec, true));
      backend::conv_forward(spec, x.data(), w.data(), b.data(), y.data(),
                            relu ? backend::ConvActivation::relu : backend::ConvActivation::none);
      conv_test::RefParams p{c.s, c.d, c.padding, c.groups};
      Tensor ref = conv_test::reference_conv(x, w, b, p);
      if (relu)
        for (int64_t i = 0; i < ref.size(); ++i) ref.data()[i] = std::max(ref.data()[i], 0.0f);
      ASSERT_EQ(y.dims(), ref.dims());
      EXPECT_LT(max_abs_diff(y, ref), 1e-4f);
    }
  }
}

TEST(ConvKernels, DataGradientPathsAgree) {
  PathGuard guard;
  utils::set_random_seed(4);
  struct Case {
    backend::ConvSpec spec;
    const char* padding;
  };
  std::vector<Case> cases = {
      {make_spec({13, 13}, 32, 64, {3, 3}, {1, 1}, {1, 1}, "valid"), "valid"},
      {make_spec({8, 9}, 4, 6, {3, 2}, {2, 2}, {1, 1}, "same", 2), "same"},
      {make_spec({9, 9}, 3, 5, {3, 3}, {1, 1}, {2, 2}, "same"), "same"},
      {make_spec({12}, 5, 4, {5}, {3}, {1}, "same"), "same"},
      {make_spec({12}, 2, 4, {3}, {1}, {2}, "causal"), "causal"},
      {make_spec({5, 6, 7}, 2, 4, {3, 2, 3}, {1, 1, 2}, {1, 1, 1}, "same", 2), "same"},
  };
  for (const auto& [spec, padding] : cases) {
    SCOPED_TRACE(::testing::Message() << "rank " << spec.rank << " groups " << spec.groups << " " << padding);
    Tensor x = random::normal(dims_of(spec, false));
    Tensor w = random::normal(kernel_dims(spec));
    Tensor dy = random::normal(dims_of(spec, true));
    Tensor dx1 = Tensor::empty(x.dims()), dx2 = Tensor::empty(x.dims());
    backend::set_conv_data_grad_path(backend::ConvDataGradPath::im2col);
    backend::conv_backward(spec, x.data(), w.data(), dy.data(), dx2.data(), nullptr, nullptr);
    backend::set_conv_data_grad_path(backend::ConvDataGradPath::onednn);
    for (auto policy : kPolicies) {
      backend::set_conv_layout_policy(policy);
      backend::conv_backward(spec, x.data(), w.data(), dy.data(), dx1.data(), nullptr, nullptr);
      EXPECT_LT(max_abs_diff(dx1, dx2), 1e-4f) << "layout policy " << static_cast<int>(policy);
    }
    backend::set_conv_layout_policy(backend::ConvLayoutPolicy::automatic);
    // Against the definition: conv is linear in x, so dx_i = <dy, conv(e_i)>.
    conv_test::RefParams p{spec.strides, spec.dilation, padding, spec.groups};
    for (int64_t i : std::vector<int64_t>{0, x.size() / 3, x.size() / 2 + 1, x.size() - 1}) {
      Tensor e = Tensor::zeros(x.dims());
      e.data()[i] = 1.0f;
      Tensor ye = conv_test::reference_conv(e, w, Tensor(), p);
      double acc = 0;
      for (int64_t j = 0; j < ye.size(); ++j) acc += static_cast<double>(ye.data()[j]) * dy.data()[j];
      EXPECT_NEAR(dx2.data()[i], acc, 1e-4 * std::max(1.0, std::fabs(acc))) << "entry " << i;
    }
  }
}

namespace {
void check_weight_gradients(int64_t channels) {
  utils::set_random_seed(5);
  auto spec = make_spec({10, 10}, channels, 16, {3, 3}, {1, 1}, {1, 1}, "same", 1, 4);
  Tensor x = random::normal(dims_of(spec, false));
  Tensor w = random::normal(kernel_dims(spec));
  Tensor b = random::normal({spec.filters});
  Tensor y = Tensor::empty(dims_of(spec, true));
  Tensor dy = random::normal(y.dims());
  backend::ConvSaved saved;
  backend::conv_forward(spec, x.data(), w.data(), b.data(), y.data(), backend::ConvActivation::none, &saved);
  Tensor dw1 = Tensor::zeros(w.dims()), db1 = Tensor::zeros({spec.filters}), dx1 = Tensor::empty(x.dims());
  backend::conv_backward(spec, x.data(), w.data(), dy.data(), dx1.data(), dw1.data(), db1.data(), &saved);
  Tensor dw2 = Tensor::zeros(w.dims()), db2 = Tensor::zeros({spec.filters}), dx2 = Tensor::empty(x.dims());
  backend::conv_backward(spec, x.data(), w.data(), dy.data(), dx2.data(), dw2.data(), db2.data());
  EXPECT_LT(max_abs_diff(dw1, dw2), 1e-3f);
  EXPECT_LT(max_abs_diff(db1, db2), 1e-4f);
  EXPECT_LT(max_abs_diff(dx1, dx2), 1e-4f);
  // A second call adds into the gradients.
  backend::conv_backward(spec, x.data(), w.data(), dy.data(), nullptr, dw2.data(), db2.data());
  EXPECT_LT(max_abs_diff(dw2, dw1 * 2.0f), 2e-3f);
  EXPECT_LT(max_abs_diff(db2, db1 * 2.0f), 1e-4f);
  // The bias gradient is the sum of dy over every position.
  for (int64_t f = 0; f < spec.filters; ++f) {
    double acc = 0;
    for (int64_t i = 0; i < dy.size() / spec.filters; ++i) acc += dy.data()[i * spec.filters + f];
    EXPECT_NEAR(db1.data()[f], acc, 1e-3);
  }
  // The kernel gradient from its definition: dL/dw = sum over windows of x * dy, via the reference conv.
  for (int64_t j : std::vector<int64_t>{0, 7, 100, w.size() / 2, w.size() - 1}) {
    Tensor e = Tensor::zeros(w.dims());
    e.data()[j] = 1.0f;
    Tensor ye = conv_test::reference_conv(x, e, Tensor(), {spec.strides, spec.dilation, "same", 1});
    double acc = 0;
    for (int64_t i = 0; i < ye.size(); ++i) acc += static_cast<double>(ye.data()[i]) * dy.data()[i];
    EXPECT_NEAR(dw1.data()[j], acc, 1e-3 * std::max(1.0, std::fabs(acc)));
  }
}
}  // namespace

TEST(ConvKernels, WeightGradientsAccumulateAndSavedBuffersAgree) {
  PathGuard guard;
  for (auto policy : kPolicies)
    for (int64_t channels : {3, 8}) {
      SCOPED_TRACE(::testing::Message() << "layout policy " << static_cast<int>(policy) << " channels " << channels);
      backend::set_conv_layout_policy(policy);
      check_weight_gradients(channels);
    }
}

TEST(ConvKernels, PrimitivesAreCachedPerShape) {
  auto spec = make_spec({6, 6}, 3, 4, {3, 3}, {1, 1}, {1, 1}, "valid", 1, 3);
  Tensor x = Tensor::ones(dims_of(spec, false)), w = Tensor::ones(kernel_dims(spec));
  Tensor y = Tensor::empty(dims_of(spec, true)), dx = Tensor::empty(x.dims()), dw = Tensor::zeros(w.dims());
  backend::conv_forward(spec, x.data(), w.data(), nullptr, y.data());
  backend::conv_backward(spec, x.data(), w.data(), y.data(), dx.data(), dw.data(), nullptr);
  const int64_t created = backend::conv_primitives_created();
  for (int i = 0; i < 3; ++i) {
    backend::conv_forward(spec, x.data(), w.data(), nullptr, y.data());
    backend::conv_backward(spec, x.data(), w.data(), y.data(), dx.data(), dw.data(), nullptr);
  }
  EXPECT_EQ(backend::conv_primitives_created(), created);
  EXPECT_FLOAT_EQ(y.data()[0], 27.0f);
  spec.batch = 5;  // a new batch size is a new shape
  Tensor x5 = Tensor::ones(dims_of(spec, false)), y5 = Tensor::empty(dims_of(spec, true));
  backend::conv_forward(spec, x5.data(), w.data(), nullptr, y5.data());
  EXPECT_EQ(backend::conv_primitives_created(), created + 1);
}
