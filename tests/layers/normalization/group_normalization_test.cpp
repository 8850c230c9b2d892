#include "keras/layers/normalization/group_normalization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "layers/normalization/norm_test_util.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::to_doubles;

namespace {

// GroupNormalization in double: per sample and group of consecutive channels on axis `ax`, statistics over the
// group's channels and every non-batch axis.
void expect_group_normalized(const Tensor& y, const Tensor& x, int ax, int64_t groups,
                             const std::vector<double>& gamma, const std::vector<double>& beta, double eps,
                             double tol = 1e-4) {
  ASSERT_EQ(y.dims(), x.dims());
  const int64_t N = x.dims()[0], C = x.dims()[static_cast<size_t>(ax)];
  int64_t inner = 1;
  for (int i = ax + 1; i < x.ndim(); ++i) inner *= x.dims()[static_cast<size_t>(i)];
  const int64_t per_sample = x.size() / N, Cg = C / groups;
  auto channel = [&](int64_t k) { return (k / inner) % C; };
  for (int64_t n = 0; n < N; ++n)
    for (int64_t g = 0; g < groups; ++g) {
      double sum = 0, sq = 0, cnt = 0;
      for (int64_t k = n * per_sample; k < (n + 1) * per_sample; ++k)
        if (channel(k) / Cg == g) {
          sum += x.data()[k];
          cnt += 1;
        }
      double mean = sum / cnt;
      for (int64_t k = n * per_sample; k < (n + 1) * per_sample; ++k)
        if (channel(k) / Cg == g) sq += (x.data()[k] - mean) * (x.data()[k] - mean);
      double var = sq / cnt;
      for (int64_t k = n * per_sample; k < (n + 1) * per_sample; ++k) {
        int64_t c = channel(k);
        if (c / Cg != g) continue;
        double want = gamma[static_cast<size_t>(c)] * (x.data()[k] - mean) / std::sqrt(var + eps) +
                      beta[static_cast<size_t>(c)];
        ASSERT_NEAR(y.data()[k], want, tol * std::max(1.0, std::fabs(want))) << "element " << k;
      }
    }
}

}  // namespace

TEST(GroupNormalization, ChannelsLastValuesAndWeights) {
  utils::clear_session();
  utils::set_random_seed(1);
  layers::GroupNormalization gn(2, gamma_initializer = "random_normal", beta_initializer = "random_normal");
  EXPECT_EQ(gn.name(), "group_normalization");
  Tensor x = random::normal({2, 3, 3, 4});
  Tensor y = gn(x);
  auto vars = gn.impl()->variables();
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0]->name, "gamma");
  EXPECT_EQ(vars[1]->name, "beta");
  EXPECT_EQ(vars[0]->value.shape(), (Shape{4}));
  EXPECT_EQ(gn.count_params(), 8);
  expect_group_normalized(y, x, 3, 2, to_doubles(vars[0]->value), to_doubles(vars[1]->value), 1e-3);
  EXPECT_EQ(gn.impl()->input_spec.at(0).ndim, 4);
  EXPECT_TRUE(layers::is_registered("GroupNormalization"));
}

TEST(GroupNormalization, DefaultGroupsIs32) {
  utils::set_random_seed(2);
  layers::GroupNormalization gn;
  Tensor x = random::normal({2, 5, 64});
  expect_group_normalized(gn(x), x, 2, 32, std::vector<double>(64, 1.0), std::vector<double>(64, 0.0), 1e-3);
}

TEST(GroupNormalization, ChannelsFirstInstanceAndLayerLike) {
  utils::set_random_seed(3);
  Tensor x = random::normal({2, 6, 3, 2});
  layers::GroupNormalization cf(3, axis = 1, epsilon = 0.01);
  expect_group_normalized(cf(x), x, 1, 3, std::vector<double>(6, 1.0), std::vector<double>(6, 0.0), 0.01);
  layers::GroupNormalization instance(-1, axis = 1);
  expect_group_normalized(instance(x), x, 1, 6, std::vector<double>(6, 1.0), std::vector<double>(6, 0.0), 1e-3);
  layers::GroupNormalization one(1);
  expect_group_normalized(one(x), x, 3, 1, std::vector<double>(2, 1.0), std::vector<double>(2, 0.0), 1e-3);
}

TEST(GroupNormalization, LargeInputsMatchTheFormula) {
  utils::set_random_seed(4);
  layers::GroupNormalization gn(4);
  Tensor x = random::normal({16, 16, 16, 16});
  expect_group_normalized(gn(x), x, 3, 4, std::vector<double>(16, 1.0), std::vector<double>(16, 0.0), 1e-3);
  layers::GroupNormalization cf(4, axis = 1);
  expect_group_normalized(cf(x), x, 1, 4, std::vector<double>(16, 1.0), std::vector<double>(16, 0.0), 1e-3);
  layers::GroupNormalization weighted(4, gamma_initializer = "random_normal", beta_initializer = "random_normal");
  weighted(x);
  keras::test_support::expect_backward_matches_slices(weighted, x, 4);
  layers::GroupNormalization weighted_cf(2, axis = 1, gamma_initializer = "random_normal");
  weighted_cf(x);
  keras::test_support::expect_backward_matches_slices(weighted_cf, x, 4);
}

TEST(GroupNormalization, Gradients) {
  utils::set_random_seed(5);
  {
    layers::GroupNormalization gn(2, gamma_initializer = "random_normal", beta_initializer = "random_normal");
    Tensor x = random::normal({2, 3, 4});
    gn(x);
    keras::test_support::expect_gradients_match(gn, {x});
  }
  {
    layers::GroupNormalization gn(2, axis = 1, gamma_initializer = "random_normal");
    Tensor x = random::normal({2, 4, 3, 2});
    gn(x);
    keras::test_support::expect_gradients_match(gn, {x});
  }
  {
    layers::GroupNormalization gn(3, center = false, scale = false);
    Tensor x = random::normal({3, 6});
    gn(x);
    EXPECT_TRUE(gn.get_weights().empty());
    keras::test_support::expect_gradients_match(gn, {x});
  }
}

TEST(GroupNormalization, Errors) {
  EXPECT_THROW_WITH(layers::GroupNormalization(3)(Tensor::zeros({2, 8})),
                    "Number of groups (3) must be a multiple of the number of channels (8).", "Hint:", "groups=2");
  EXPECT_THROW_WITH(layers::GroupNormalization()(Tensor::zeros({2, 16})),
                    "Number of groups (32) cannot be more than the number of channels (16).", "Hint:");
  EXPECT_THROW_WITH(layers::GroupNormalization(0), "Received an invalid value for `groups`", "Hint:");
  layers::GroupNormalization gn(4);
  gn(Tensor::zeros({2, 5, 8}));
  EXPECT_THROW_WITH(gn(Tensor::zeros({2, 5, 16})), "expected axis -1 of input shape to have value 8", "Hint:",
                    "was built for 8 channels");
  EXPECT_THROW_WITH(layers::GroupNormalization(2, axis = 0)(Tensor::zeros({2, 4})), "batch axis", "Hint:");
  EXPECT_THROW_WITH(layers::GroupNormalization(2, axis = 5)(Tensor::zeros({2, 4})), "Axis 5 is out of bounds");
}
