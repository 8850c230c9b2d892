// Discretization: Keras's docstring and test values (left-inclusive bins, every output mode), adapt() against
// Keras's quantile summary worked in numpy (boundaries as float32 values), batches, Keras's errors, shapes, the
// learned boundaries in a saved config, and no gradient.
#include "keras/layers/preprocessing/discretization.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "keras/keras.hpp"
#include "saving/layer_specs.hpp"
#include "support/gradient_check.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::T;

namespace {
namespace discretization_test {
Tensor docstring_input() { return T({-1.5f, 1.0f, 3.4f, 0.5f, 0.0f, 3.0f, 1.3f, 0.0f}, {2, 4}); }
Tensor range(int n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  return Tensor(v, {n});
}
}  // namespace discretization_test
}  // namespace

namespace dt = discretization_test;

TEST(Discretization, BinsIncludeTheirLeftEdge) {
  layers::Discretization layer(bin_boundaries = {0.0, 1.0, 2.0});
  Tensor out = layer(dt::docstring_input());
  EXPECT_EQ(out.to_vector(), (std::vector<float>{0, 2, 3, 1, 1, 3, 2, 1}));
  EXPECT_EQ(out.dtype(), "int64");
  // discretization_test.py test_correctness.
  layers::Discretization edges(bin_boundaries = {0.0, 0.35, 0.5, 1.0});
  EXPECT_EQ(edges(T({-1.0f, 0.0f, 0.1f, 0.2f, 0.4f, 0.5f, 1.0f, 1.2f, 0.98f}, {1, 9})).to_vector(),
            (std::vector<float>{0, 1, 1, 1, 2, 3, 4, 4, 3}));
  EXPECT_EQ(layers::Discretization(bin_boundaries = {-0.5, 0, 0.1, 0.2, 3})(
                T({0.0f, 0.15f, 0.21f, 0.3f, 0.0f, 0.17f, 0.451f, 7.8f}, {2, 4}))
                .to_vector(),
            (std::vector<float>{2, 3, 4, 4, 2, 3, 4, 5}));
}

TEST(Discretization, EncodedOutputModes) {
  const std::vector<double> b = {0.0, 0.5, 1.0};
  EXPECT_EQ(layers::Discretization(bin_boundaries = b, output_mode = "one_hot")(T({0.1f, 0.8f}, {2})).to_vector(),
            (std::vector<float>{0, 1, 0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(layers::Discretization(bin_boundaries = b, output_mode = "multi_hot")(T({0.1f, 0.8f}, {1, 2})).to_vector(),
            (std::vector<float>{0, 1, 1, 0}));
  EXPECT_EQ(layers::Discretization(bin_boundaries = b, output_mode = "count")(T({0.1f, 0.8f, 0.9f}, {1, 3})).to_vector(),
            (std::vector<float>{0, 1, 2, 0}));
  // Rank 3: multi_hot reduces axis 1, as Keras's eager code: (1, 2, 2) -> (1, 2, 4).
  Tensor m = layers::Discretization(bin_boundaries = b, output_mode = "multi_hot")(
      T({0.15f, 0.75f, 0.85f, 0.45f}, {1, 2, 2}));
  EXPECT_EQ(m.dims(), (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(m.to_vector(), (std::vector<float>{0, 1, 1, 0, 0, 1, 1, 0}));
  // Symbolic shapes (discretization_test.py test_compute_output_shape): depth = len(boundaries) + 1.
  const std::vector<double> two = {0.0, 1.0};
  EXPECT_EQ(layers::Discretization(bin_boundaries = two)(Input(shape = {3, 4})).shape(), (Shape{None, 3, 4}));
  EXPECT_EQ(layers::Discretization(bin_boundaries = two, output_mode = "one_hot")(Input(shape = {3, 4})).shape(),
            (Shape{None, 3, 4, 3}));
  EXPECT_EQ(layers::Discretization(bin_boundaries = two, output_mode = "count")(Input(shape = {3, 4})).shape(),
            (Shape{None, 4, 3}));
  EXPECT_EQ(layers::Discretization(num_bins = 5, output_mode = "multi_hot")(Input(shape = {6, 3})).shape(),
            (Shape{None, 3, 5}));
}

TEST(Discretization, AdaptLearnsKerasQuantileBoundaries) {
  // Values from Keras's summarize / merge_summaries / compress_summary run in numpy (float32 summaries).
  layers::Discretization doc(num_bins = 4, epsilon = 0.01);
  doc.adapt(dt::docstring_input());
  EXPECT_EQ(doc.bin_boundaries(), (std::vector<double>{0.0, 0.5, static_cast<float>(1.3)}));
  EXPECT_EQ(doc(dt::docstring_input()).to_vector(), (std::vector<float>{0, 2, 3, 2, 1, 3, 3, 1}));
  struct Case {
    Tensor data;
    int bins;
    std::vector<double> expected;
  };
  const std::vector<Case> cases = {
      {T({0, 1, 5}, {3}), 5, {0.0, 1.0}},  // fewer values than bins: fewer boundaries
      {dt::range(8), 5, {static_cast<float>(0.6), static_cast<float>(2.2), static_cast<float>(3.8),
                         static_cast<float>(5.4)}},
      {dt::range(10), 4, {1.4999998807907104, 4.0, 6.5}},
      {dt::range(100), 4, {24.75, 49.5, 74.25}},  // 100 values or more: the summary skips the minimum
      {dt::range(1000), 4, {247.5, 495.0, 742.5}},
      {dt::range(1000), 3, {330.0, 660.0}},
  };
  for (const Case& c : cases) {
    layers::Discretization layer(num_bins = c.bins);
    layer.adapt(c.data);
    const auto got = layer.bin_boundaries();
    ASSERT_EQ(got.size(), c.expected.size()) << c.data.size() << " values, " << c.bins << " bins";
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], c.expected[i], 1e-4 * std::max(1.0, c.expected[i]));
  }
  // numpy's arange quirk: 1 / (1 / 49) rounds up, so num_bins=49 gives 49 boundaries, the last the maximum.
  layers::Discretization quirk(num_bins = 49);
  quirk.adapt(dt::range(1000));
  ASSERT_EQ(quirk.bin_boundaries().size(), 49u);
  EXPECT_NEAR(quirk.bin_boundaries().back(), 990.0, 1e-3);
  // Batches are merged into one summary.
  layers::Discretization batches(num_bins = 3);
  batches.adapt(std::vector<Tensor>{T({1, 2, 3}, {3}), T({4, 5, 6}, {3})});
  EXPECT_EQ(batches.bin_boundaries(), (std::vector<double>{2.0, 4.0}));
}

TEST(Discretization, KerasErrors) {
  std::string m = message_of([] { layers::Discretization(num_bins = 3, bin_boundaries = {0.0, 1.0}); });
  EXPECT_NE(m.find("Both `num_bins` and `bin_boundaries` should not be set. Received: `num_bins=3` and "
                   "`bin_boundaries=[0.0, 1.0]`"),
            std::string::npos)
      << m;
  m = message_of([] { layers::Discretization(output_mode = "count"); });
  EXPECT_NE(m.find("You need to set either `num_bins` or `bin_boundaries`."), std::string::npos) << m;
  m = message_of([] { layers::Discretization(num_bins = -1); });
  EXPECT_NE(m.find("`num_bins` must be greater than or equal to 0. Received: `num_bins=-1`"), std::string::npos) << m;
  m = message_of([] { layers::Discretization(num_bins = 2, output_mode = "foo"); });
  EXPECT_NE(m.find("Unknown value for `output_mode` argument of Discretization. Allowed values are: ('int', "
                   "'one_hot', 'multi_hot', 'count'). Received: output_mode=foo"),
            std::string::npos)
      << m;
  m = message_of([] { layers::Discretization(num_bins = 2)(T({1, 2}, {2})); });
  EXPECT_NE(m.find("You need to either pass the `bin_boundaries` argument at construction time or call "
                   "`adapt(dataset)` before you can start using the `Discretization` layer."),
            std::string::npos)
      << m;
  m = message_of([] { layers::Discretization(bin_boundaries = {0.0}).adapt(T({1, 2}, {2})); });
  EXPECT_NE(m.find("Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, use "
                   "`num_bins` instead."),
            std::string::npos)
      << m;
  // Adapting after the model was built for num_bins bins, to data with fewer distinct values, would change the
  // output width under the layers after it.
  layers::Discretization late(num_bins = 4, output_mode = "one_hot");
  Sequential model({Input(shape = {1}), late, layers::Dense(2)});
  late.adapt(T({0, 1}, {2}));
  m = message_of([&] { model.predict(T({0.5f}, {1, 1}), verbose = 0); });
  EXPECT_NE(m.find("was built for 4 bins, but adapt() learned 1 boundaries (2 bins)"), std::string::npos) << m;
}

TEST(Discretization, AdaptedBoundariesAreSavedAndNoGradientFlows) {
  utils::set_random_seed(4);
  layers::Discretization bins(num_bins = 4, output_mode = "one_hot");
  bins.adapt(random::normal({200}));
  Sequential model({Input(shape = {1}), bins, layers::Dense(1)});
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = random::normal({16, 1}), y = random::normal({16, 1});
  model.fit(x, y, epochs = 2, verbose = 0);
  const std::string path = (std::filesystem::temp_directory_path() / "keraspp_discretization.keras").string();
  model.save(path);
  // As Keras writes an adapted layer: both num_bins and the learned bin_boundaries, no "trainable".
  const auto json = saving::detail::layer_config_json(*model.layers()[0].impl());
  EXPECT_EQ(json.at("num_bins"), 4);
  EXPECT_EQ(json.at("bin_boundaries").size(), 3u);
  EXPECT_FALSE(json.contains("trainable"));
  Model loaded = saving::load_model(path);
  std::filesystem::remove(path);
  EXPECT_EQ(loaded.predict(x, verbose = 0).to_vector(), model.predict(x, verbose = 0).to_vector());
  EXPECT_EQ(*loaded.layers()[0].impl()->config().get<std::vector<double>>("bin_boundaries"), bins.bin_boundaries());
}

TEST(Discretization, GradientIsZeroAwayFromTheBoundaries) {
  // Piecewise constant: central differences that cross no boundary are 0, as the backward pass says.
  for (const std::string mode : {"int", "one_hot", "count"}) {
    layers::Discretization layer(bin_boundaries = {0.0, 1.0}, output_mode = mode);
    Tensor x = T({-0.5f, 0.3f, 0.6f, 1.7f, 2.5f, 0.45f}, {2, 3});
    layer(x);
    keras::test_support::expect_gradients_match(layer, {x});
  }
}
