#include "keras/initializers/initializers.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/random/random.hpp"

using namespace keras;
using namespace keras::kw;
using ::testing::HasSubstr;

namespace {

struct Stats {
  double mean = 0, stddev = 0, min = 1e300, max = -1e300;
};

Stats stats(const Tensor& t) {
  Stats s;
  double sum = 0, sq = 0;
  for (float v : t.to_vector()) {
    sum += v;
    s.min = std::min(s.min, double(v));
    s.max = std::max(s.max, double(v));
  }
  const double n = static_cast<double>(t.size());
  s.mean = sum / n;
  for (float v : t.to_vector()) sq += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(sq / n);
  return s;
}

// Max |A^T A - gain^2 I| (by columns) for a (rows, cols) row-major matrix, or |A A^T - gain^2 I| when wide.
double orthogonality_error(const Tensor& t, int64_t rows, int64_t cols, double gain = 1.0) {
  const float* a = t.data();
  const bool wide = rows < cols;
  const int64_t n = wide ? rows : cols, len = wide ? cols : rows;
  auto at = [&](int64_t vec, int64_t k) { return double(wide ? a[vec * cols + k] : a[k * cols + vec]); };
  double err = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t k = 0; k < len; ++k) s += at(i, k) * at(j, k);
      err = std::max(err, std::abs(s - (i == j ? gain * gain : 0.0)));
    }
  return err;
}

}  // namespace

TEST(Initializers, ComputeFansAsKeras) {
  using F = std::pair<double, double>;
  EXPECT_EQ(initializers::compute_fans({}), (F{1, 1}));
  EXPECT_EQ(initializers::compute_fans({7}), (F{7, 7}));
  EXPECT_EQ(initializers::compute_fans({3, 5}), (F{3, 5}));
  EXPECT_EQ(initializers::compute_fans({4, 3, 5}), (F{12, 20}));
  EXPECT_EQ(initializers::compute_fans({3, 3, 16, 32}), (F{144, 288}));
  EXPECT_EQ(initializers::compute_fans({2, 3, 3, 4, 8}), (F{72, 144}));
}

TEST(Initializers, ConstantOnesZerosIdentity) {
  Tensor z = initializers::Zeros()({2, 3});
  EXPECT_EQ(z.dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(z.to_vector(), std::vector<float>(6, 0.0f));
  EXPECT_EQ(initializers::Ones()({4}).to_vector(), std::vector<float>(4, 1.0f));
  EXPECT_EQ(initializers::Constant(value = 0.5)({2, 2}).to_vector(), std::vector<float>(4, 0.5f));
  EXPECT_EQ(initializers::Constant(0.25)({3}).to_vector(), std::vector<float>(3, 0.25f));
  EXPECT_EQ(initializers::Constant()({1}).to_vector(), std::vector<float>(1, 0.0f));
  EXPECT_DOUBLE_EQ(*initializers::Constant(value = 0.5).get_config().get<double>("value"), 0.5);
  EXPECT_EQ(initializers::Zeros()({0, 5}).size(), 0);

  Tensor id = initializers::Identity(gain = 2.0)({3, 4});
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(id.at({i, j}), i == j ? 2.0f : 0.0f);
  EXPECT_EQ(initializers::Identity()({2, 2}).to_vector(), (std::vector<float>{1, 0, 0, 1}));
  try {
    initializers::Identity()({2, 2, 2});
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Identity matrix initializer can only be used for 2D matrices. "
                                    "Received: shape=(2, 2, 2) of rank 3."));
  }
}

TEST(Initializers, RandomDistributions) {
  const std::vector<int64_t> shape = {400, 250};  // 100k values
  Stats n = stats(initializers::RandomNormal(mean = 1.0, stddev = 0.5)(shape));
  EXPECT_NEAR(n.mean, 1.0, 0.01);
  EXPECT_NEAR(n.stddev, 0.5, 0.01);
  Stats d = stats(initializers::RandomNormal()(shape));  // Keras's defaults: mean 0, stddev 0.05
  EXPECT_NEAR(d.mean, 0.0, 0.001);
  EXPECT_NEAR(d.stddev, 0.05, 0.001);

  Stats u = stats(initializers::RandomUniform(minval = -1.0, maxval = 2.0)(shape));
  EXPECT_GE(u.min, -1.0);
  EXPECT_LT(u.max, 2.0);
  EXPECT_NEAR(u.mean, 0.5, 0.02);
  EXPECT_NEAR(u.stddev, 3.0 / std::sqrt(12.0), 0.01);
  Stats ud = stats(initializers::RandomUniform()(shape));
  EXPECT_GE(ud.min, -0.05);
  EXPECT_LT(ud.max, 0.05);
  EXPECT_GT(ud.max, 0.049);

  Stats t = stats(initializers::TruncatedNormal(mean = 0.0, stddev = 1.0)(shape));
  EXPECT_GE(t.min, -2.0);
  EXPECT_LE(t.max, 2.0);
  EXPECT_LT(t.min, -1.95);
  EXPECT_NEAR(t.mean, 0.0, 0.01);
  EXPECT_NEAR(t.stddev, .87962566103423978, 0.01);  // the stddev of a standard normal truncated at 2
  Stats td = stats(initializers::TruncatedNormal()(shape));
  EXPECT_LE(td.max, 0.1);
  EXPECT_GE(td.min, -0.1);
}

TEST(Initializers, VarianceScalingFamily) {
  // Dense kernel (fan_in 200, fan_out 300) and a conv kernel (fan_in 3*3*16 = 144, fan_out 3*3*32 = 288).
  const std::vector<int64_t> dense = {200, 300}, conv = {3, 3, 16, 32};
  struct C {
    std::shared_ptr<const initializers::Initializer> init;
    std::vector<int64_t> shape;
    bool uniform;
    double n_std;  // the expected stddev of the values
  };
  const std::vector<C> cases = {
      {initializers::get("glorot_uniform"), dense, true, std::sqrt(2.0 / 500)},
      {initializers::get("glorot_normal"), dense, false, std::sqrt(2.0 / 500)},
      {initializers::get("he_uniform"), conv, true, std::sqrt(2.0 / 144)},
      {initializers::get("he_normal"), conv, false, std::sqrt(2.0 / 144)},
      {initializers::get("lecun_uniform"), dense, true, std::sqrt(1.0 / 200)},
      {initializers::get("lecun_normal"), conv, false, std::sqrt(1.0 / 144)},
      {std::make_shared<initializers::VarianceScaling>(2.0, mode = "fan_out", distribution = "uniform"), dense, true,
       std::sqrt(2.0 / 300)},
      {std::make_shared<initializers::VarianceScaling>(scale = 0.5, mode = "fan_avg",
                                                       distribution = "untruncated_normal"),
       conv, false, std::sqrt(0.5 / 216)},
      {std::make_shared<initializers::VarianceScaling>(), dense, false, std::sqrt(1.0 / 200)},
  };
  for (const auto& c : cases) {
    Tensor w = (*c.init)(c.shape);
    EXPECT_EQ(w.dims(), c.shape);
    Stats s = stats(w);
    const std::string what = c.init->class_name();
    EXPECT_NEAR(s.mean, 0.0, 0.05 * c.n_std) << what;
    EXPECT_NEAR(s.stddev, c.n_std, 0.03 * c.n_std) << what;
    if (c.uniform) {  // limit = sqrt(3) * stddev, e.g. glorot_uniform's sqrt(6 / (fan_in + fan_out))
      const double limit = std::sqrt(3.0) * c.n_std;
      EXPECT_GE(s.min, -limit) << what;
      EXPECT_LE(s.max, limit) << what;
      EXPECT_GT(s.max, 0.99 * limit) << what;
    }
  }
  const double glorot_limit = std::sqrt(6.0 / (200 + 300));
  Stats g = stats(initializers::GlorotUniform()({200, 300}));
  EXPECT_LE(g.max, glorot_limit);
  EXPECT_GE(g.min, -glorot_limit);
  // Truncated normal: within two (corrected) standard deviations.
  Stats hn = stats(initializers::HeNormal()({3, 3, 16, 32}));
  EXPECT_LE(hn.max, 2.0 * std::sqrt(2.0 / 144) / .87962566103423978 + 1e-6);
}

TEST(Initializers, VarianceScalingValidation) {
  try {
    initializers::VarianceScaling(scale = -1.0);
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Argument `scale` must be positive float. Received: scale=-1.0"));
  }
  try {
    initializers::VarianceScaling(mode = "fan_sum");
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Invalid `mode` argument: fan_sum"));
  }
  EXPECT_THROW(initializers::VarianceScaling(distribution = "gamma"), ValueError);
  EXPECT_EQ(initializers::VarianceScaling(distribution = "Normal").distribution(), "truncated_normal");
}

TEST(Initializers, OrthogonalIsOrthogonal) {
  struct S {
    std::vector<int64_t> shape;
    int64_t rows, cols;
  };
  for (const S& s : {S{{50, 50}, 50, 50}, S{{60, 20}, 60, 20}, S{{20, 60}, 20, 60}, S{{3, 3, 4, 8}, 36, 8},
                     S{{8, 32}, 8, 32}, S{{1, 5}, 1, 5}}) {
    Tensor q = initializers::Orthogonal()(s.shape);
    EXPECT_EQ(q.dims(), s.shape);
    EXPECT_LT(orthogonality_error(q, s.rows, s.cols), 1e-5) << to_string(Shape::of(s.shape));
  }
  Tensor q2 = initializers::Orthogonal(gain = 2.0, seed = 3)({10, 10});
  EXPECT_LT(orthogonality_error(q2, 10, 10, 2.0), 1e-5);
  EXPECT_EQ(initializers::Orthogonal(2.0, seed = 3)({10, 10}).to_vector(), q2.to_vector());
  // Not the identity or a fixed matrix: two unseeded draws differ.
  EXPECT_NE(initializers::Orthogonal()({4, 4}).to_vector(), initializers::Orthogonal()({4, 4}).to_vector());
  try {
    initializers::Orthogonal()({5});
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_THAT(e.what(), HasSubstr("The tensor to initialize must be at least two-dimensional. "
                                    "Received: shape=(5,) of rank 1."));
  }
}

TEST(Initializers, SeedsAreReproducible) {
  const std::vector<int64_t> shape = {16, 8};
  initializers::GlorotUniform a(seed = 1), b(seed = 1), c(seed = 2);
  EXPECT_EQ(a(shape).to_vector(), a(shape).to_vector());  // an int seed gives the same values every call
  EXPECT_EQ(a(shape).to_vector(), b(shape).to_vector());
  EXPECT_NE(a(shape).to_vector(), c(shape).to_vector());
  EXPECT_EQ(initializers::RandomNormal(seed = 7)(shape).to_vector(),
            initializers::RandomNormal(seed = 7)(shape).to_vector());
  EXPECT_EQ(initializers::TruncatedNormal(seed = 7)(shape).to_vector(),
            initializers::TruncatedNormal(seed = 7)(shape).to_vector());
  EXPECT_EQ(initializers::RandomUniform(seed = 7)(shape).to_vector(),
            initializers::RandomUniform(seed = 7)(shape).to_vector());
  EXPECT_EQ(initializers::HeNormal(5)(shape).to_vector(), initializers::HeNormal(seed = 5)(shape).to_vector());

  // Unseeded initializers draw from the global generator: set_random_seed makes them reproducible.
  auto glorot = initializers::get("glorot_uniform");
  utils::set_random_seed(42);
  const auto first = (*glorot)(shape).to_vector();
  const auto second = (*glorot)(shape).to_vector();
  EXPECT_NE(first, second);
  utils::set_random_seed(42);
  EXPECT_EQ((*glorot)(shape).to_vector(), first);
  EXPECT_EQ((*initializers::get("glorot_uniform"))(shape).to_vector(), second);
}

TEST(Initializers, KeywordAndPositionalConstruction) {
  initializers::RandomNormal rn1(0.0, 0.1), rn2(mean = 0.0, stddev = 0.1), rn3(stddev = 0.1, seed = 4), rn4(1.0);
  EXPECT_DOUBLE_EQ(rn1.stddev(), 0.1);
  EXPECT_DOUBLE_EQ(rn2.stddev(), 0.1);
  EXPECT_DOUBLE_EQ(rn3.mean(), 0.0);
  EXPECT_EQ(rn3.seed(), 4);
  EXPECT_DOUBLE_EQ(rn4.mean(), 1.0);
  EXPECT_DOUBLE_EQ(rn4.stddev(), 0.05);
  initializers::RandomUniform ru(-1.0, 1.0, seed = 3);
  EXPECT_DOUBLE_EQ(ru.minval(), -1.0);
  EXPECT_DOUBLE_EQ(ru.maxval(), 1.0);
  EXPECT_EQ(ru.seed(), 3);
  initializers::TruncatedNormal tn(stddev = 2.0);
  EXPECT_DOUBLE_EQ(tn.stddev(), 2.0);
  initializers::VarianceScaling vs(2.0, mode = "fan_out");
  EXPECT_DOUBLE_EQ(vs.scale(), 2.0);
  EXPECT_EQ(vs.mode(), "fan_out");
  EXPECT_EQ(vs.distribution(), "truncated_normal");
  EXPECT_FALSE(vs.seed().has_value());
  initializers::GlorotUniform gu(seed = 1);
  EXPECT_EQ(gu.scale(), 1.0);
  EXPECT_EQ(gu.mode(), "fan_avg");
  EXPECT_EQ(gu.distribution(), "uniform");
  EXPECT_EQ(initializers::HeNormal().scale(), 2.0);
  EXPECT_EQ(initializers::LecunUniform().mode(), "fan_in");
  EXPECT_DOUBLE_EQ(initializers::Orthogonal(gain = 2.0, seed = 3).gain(), 2.0);
  EXPECT_DOUBLE_EQ(initializers::Identity(0.5).gain(), 0.5);
  EXPECT_DOUBLE_EQ(initializers::Constant(value = None).value(), 0.0);  // None: Keras's default

  // As layer arguments: an InitializerArg holds a copy of the object.
  InitializerArg arg = initializers::Constant(value = 0.5);
  auto resolved = initializers::get(arg);
  EXPECT_EQ(resolved->class_name(), "Constant");
  EXPECT_EQ((*resolved)({2}).to_vector(), std::vector<float>(2, 0.5f));
  InitializerArg seeded = initializers::GlorotUniform(seed = 1);
  EXPECT_EQ((*initializers::get(seeded))({3, 3}).to_vector(), gu({3, 3}).to_vector());
}

TEST(Initializers, GetConfigReturnsTheKeywords) {
  auto g = initializers::GlorotUniform(seed = 1).get_config();
  EXPECT_EQ(g.keys(), (std::vector<std::string>{"seed"}));
  EXPECT_EQ(g.get<int>("seed"), 1);
  EXPECT_TRUE(initializers::GlorotUniform().get_config().is_none("seed"));
  auto v = initializers::VarianceScaling(scale = 2.0, distribution = "uniform").get_config();
  EXPECT_DOUBLE_EQ(*v.get<double>("scale"), 2.0);
  EXPECT_EQ(*v.get<std::string>("mode"), "fan_in");
  EXPECT_EQ(*v.get<std::string>("distribution"), "uniform");
  EXPECT_TRUE(v.is_none("seed"));
  auto r = initializers::RandomNormal(mean = 1.0, stddev = 2.0, seed = 3).get_config();
  EXPECT_DOUBLE_EQ(*r.get<double>("mean"), 1.0);
  EXPECT_DOUBLE_EQ(*r.get<double>("stddev"), 2.0);
  EXPECT_EQ(r.get<int>("seed"), 3);
  auto u = initializers::RandomUniform().get_config();
  EXPECT_DOUBLE_EQ(*u.get<double>("minval"), -0.05);
  EXPECT_DOUBLE_EQ(*u.get<double>("maxval"), 0.05);
  EXPECT_DOUBLE_EQ(*initializers::Orthogonal().get_config().get<double>("gain"), 1.0);
  EXPECT_TRUE(initializers::Zeros().get_config().keys().empty());

  // deserialize() takes a class name and such a config back (ints where doubles are expected, too).
  auto back = initializers::deserialize("RandomNormal", r);
  EXPECT_EQ(back->class_name(), "RandomNormal");
  EXPECT_EQ((*back)({4, 4}).to_vector(), initializers::RandomNormal(1.0, 2.0, seed = 3)({4, 4}).to_vector());
  kw::Kwargs ints;
  ints.set("value", std::any(3));
  EXPECT_EQ((*initializers::deserialize("Constant", ints))({1}).item(), 3.0f);
}

TEST(Initializers, NamesAndClassNamesResolve) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"zeros", "Zeros"},
      {"ones", "Ones"},
      {"constant", "Constant"},
      {"identity", "Identity"},
      {"random_normal", "RandomNormal"},
      {"truncated_normal", "TruncatedNormal"},
      {"random_uniform", "RandomUniform"},
      {"variance_scaling", "VarianceScaling"},
      {"glorot_uniform", "GlorotUniform"},
      {"glorot_normal", "GlorotNormal"},
      {"he_uniform", "HeUniform"},
      {"he_normal", "HeNormal"},
      {"lecun_uniform", "LecunUniform"},
      {"lecun_normal", "LecunNormal"},
      {"orthogonal", "Orthogonal"},
  };
  for (const auto& [snake, cls] : expected) {
    EXPECT_EQ(initializers::get(snake)->class_name(), cls) << snake;
    EXPECT_EQ(initializers::get(cls)->class_name(), cls) << cls;
  }
  EXPECT_EQ(initializers::get("uniform")->class_name(), "RandomUniform");
  EXPECT_EQ(initializers::get("normal")->class_name(), "RandomNormal");
  EXPECT_EQ(initializers::get("one")->class_name(), "Ones");
  EXPECT_EQ(initializers::get("zero")->class_name(), "Zeros");
  EXPECT_EQ(initializers::get("OrthogonalInitializer")->class_name(), "Orthogonal");
  const auto n = initializers::names();
  EXPECT_TRUE(std::is_sorted(n.begin(), n.end()));
  EXPECT_NE(std::find(n.begin(), n.end(), "glorot_uniform"), n.end());
}

TEST(Initializers, UnknownNameIsAValueError) {
  try {
    initializers::get("glorot_unifrom");
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_THAT(e.what(), HasSubstr("glorot_unifrom"));
    EXPECT_THAT(e.what(), HasSubstr("Could not interpret initializer identifier"));
    EXPECT_THAT(e.hint(), HasSubstr("glorot_uniform"));
    EXPECT_THAT(e.hint(), HasSubstr("he_normal"));
  }
  EXPECT_THROW(initializers::get(""), ValueError);
}
