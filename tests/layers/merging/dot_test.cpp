#include "keras/layers/merging/dot.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.hpp"
#include "layers/merging/merge_test_helpers.hpp"
#include "support/round_trip.hpp"

using namespace keras;
using namespace keras::kw;
namespace kt = keras::test_support;
namespace km = keras::test_support::merging;

namespace {

// Keras's batch_dot by its definition: out[b, x's other indices, y's other indices] = sum_k x[.., k, ..] y[.., k, ..],
// with the axes given as indices; two rank-2 inputs give (b, 1). Optionally L2-normalises along the axes first.
Tensor reference_dot(const Tensor& x, const Tensor& y, int ax, int ay, bool normalize = false) {
  auto strides = [](const std::vector<int64_t>& d) {
    std::vector<int64_t> s(d.size(), 1);
    for (size_t a = d.size() - 1; a-- > 0;) s[a] = s[a + 1] * d[a + 1];
    return s;
  };
  const std::vector<int64_t> &dx = x.dims(), &dy = y.dims();
  const std::vector<int64_t> sx = strides(dx), sy = strides(dy);
  std::vector<int64_t> out_dims, free_x, free_y;
  for (size_t a = 0; a < dx.size(); ++a)
    if (static_cast<int>(a) != ax) free_x.push_back(static_cast<int64_t>(a));
  for (size_t a = 1; a < dy.size(); ++a)
    if (static_cast<int>(a) != ay) free_y.push_back(static_cast<int64_t>(a));
  for (int64_t a : free_x) out_dims.push_back(dx[static_cast<size_t>(a)]);
  for (int64_t a : free_y) out_dims.push_back(dy[static_cast<size_t>(a)]);
  Tensor out = Tensor::zeros(out_dims.size() == 1 ? std::vector<int64_t>{out_dims[0], 1} : out_dims);
  const std::vector<int64_t> so = strides(out_dims);
  const int64_t K = dx[static_cast<size_t>(ax)];
  for (int64_t o = 0; o < out.size(); ++o) {
    int64_t base_x = 0, base_y = 0;
    for (size_t i = 0; i < out_dims.size(); ++i) {
      const int64_t idx = (o / so[i]) % out_dims[i];
      if (i < free_x.size()) base_x += idx * sx[static_cast<size_t>(free_x[i])];
      else base_y += idx * sy[static_cast<size_t>(free_y[i - free_x.size()])];
      if (i == 0) base_y += idx * sy[0];  // the batch index
    }
    double s = 0, nx = 0, ny = 0;
    for (int64_t k = 0; k < K; ++k) {
      const double a = x.data()[base_x + k * sx[static_cast<size_t>(ax)]];
      const double b = y.data()[base_y + k * sy[static_cast<size_t>(ay)]];
      s += a * b;
      nx += a * a;
      ny += b * b;
    }
    if (normalize) s /= std::max(std::sqrt(nx), 1e-7) * std::max(std::sqrt(ny), 1e-7);
    out.data()[o] = static_cast<float>(s);
  }
  return out;
}

}  // namespace

TEST(MergeDot, OutputShapes) {
  auto a = Input(shape = {5, 8}), b = Input(shape = {7, 8});
  EXPECT_EQ(layers::Dot(axes = 2)({a, b}).shape(), (Shape{None, 5, 7}));  // attention scores
  EXPECT_EQ(layers::Dot(-1)({a, b}).shape(), (Shape{None, 5, 7}));
  EXPECT_EQ(layers::Dot({1, 2})({Input(shape = {3, 5}), Input(shape = {10, 3})}).shape(), (Shape{None, 5, 10}));
  EXPECT_EQ(layers::Dot(1)({Input(shape = {4}), Input(shape = {4})}).shape(), (Shape{None, 1}));
  EXPECT_EQ(layers::Dot(-1)({Input(shape = {3}), Input(shape = {4, 3})}).shape(), (Shape{None, 4}));
  EXPECT_EQ(layers::Dot(1)({Input(shape = {2, 3, 4}), Input(shape = {2, 6})}).shape(), (Shape{None, 3, 4, 6}));
  EXPECT_EQ(layers::Dot(axes = {-1, 1})({Input(shape = {None, 4}), Input(shape = {4, 6})}).shape(),
            (Shape{None, None, 6}));
  // A None size matches anything along the dot axes, as batch_dot does.
  EXPECT_EQ(layers::Dot(1)({Input(shape = {None, 4}), Input(shape = {3, 5})}).shape(), (Shape{None, 4, 5}));
  // Eager shapes, as the reference's.
  EXPECT_EQ(layers::Dot(1)({Tensor::ones({3, 2}), Tensor::ones({3, 2})}).shape(), (Shape{3, 1}));
}

TEST(MergeDot, BadInputsInKerasWords) {
  auto a = Input(shape = {3, 4});
  EXPECT_THROW_WITH(layers::Dot(1)(a), "A `Dot` layer should be called on a list of 2 inputs. Received: "
                                       "input_shape=(None, 3, 4)", "Hint:");
  EXPECT_THROW_WITH(layers::Dot(1)({a, a, a}), "A `Dot` layer should be called on a list of 2 inputs. Received: "
                                               "input_shape=[(None, 3, 4), (None, 3, 4), (None, 3, 4)]", "Hint:");
  EXPECT_THROW_WITH(layers::Dot(axes = 2)({a, Input(shape = {3, 5})}),
                    "Incompatible input shapes: axis values 4 (at axis 2) != 5 (at axis 2). Full input shapes: "
                    "(None, 3, 4), (None, 3, 5)", "Hint: Dot sums the products along axis 2");
  EXPECT_THROW_WITH(layers::Dot({1, 2})({a, Input(shape = {3, 5})}),
                    "Incompatible input shapes: axis values 3 (at axis 1) != 5 (at axis 2).", "Hint:");
  EXPECT_THROW_WITH(layers::Dot(0)({Tensor::ones({2, 3}), Tensor::ones({2, 3})}),
                    "Cannot perform batch_dot over axis 0.", "Hint:");
  EXPECT_THROW_WITH(layers::Dot(1)({Tensor::ones({2, 3}), Tensor::ones({4, 3})}),
                    "Cannot do batch_dot on inputs with different batch sizes. Received inputs with shapes (2, 3) and "
                    "(4, 3).", "Hint:");
  EXPECT_THROW_WITH(layers::Dot(0)({Tensor::ones({3}), Tensor::ones({3})}),
                    "Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes (3,) and (3,).", "Hint:");
  EXPECT_THROW_WITH(layers::Dot({1, 3})({a, a}), "axis 3 is out of bounds for array of dimension 3", "Hint:");
  EXPECT_THROW_WITH(layers::Dot(IntTuple({1, 2, 3})),
                    "Invalid format for argument `axes`: it should contain two elements. Received: axes=(1, 2, 3)",
                    "Hint:");
  EXPECT_THROW(layers::Dot(kw::Kwargs{}), TypeError);
}

TEST(MergeDot, ValuesMatchTheDefinition) {
  struct Case {
    std::vector<int64_t> x, y;
    int ax, ay;
  };
  // Every operand layout: in place, read transposed, and reordered (both sides of the dot axis longer than 1).
  const std::vector<Case> cases = {{{2, 5, 8}, {2, 7, 8}, 2, 2}, {{2, 3, 5}, {2, 10, 3}, 1, 2},
                                   {{3, 4}, {3, 4}, 1, 1},        {{2, 3}, {2, 4, 3}, 1, 2},
                                   {{2, 3, 4, 5}, {2, 6, 4, 2}, 2, 2}, {{2, 6, 3}, {2, 6, 5}, 1, 1},
                                   {{2, 4, 3}, {2, 3}, 2, 1},     {{40, 9, 11}, {40, 11, 13}, 2, 1}};
  for (const Case& c : cases) {
    Tensor x = random::normal(c.x), y = random::normal(c.y);
    for (bool norm : {false, true}) {
      layers::Dot dot(IntTuple({c.ax, c.ay}), normalize = norm);
      km::expect_all_near(dot({x, y}), reference_dot(x, y, c.ax, c.ay, norm), 1e-4f);
    }
  }
  // Negative axes count from each input's end.
  Tensor x = random::normal({2, 3, 4}), y = random::normal({2, 4});
  km::expect_all_near(layers::Dot(-1)({x, y}), reference_dot(x, y, 2, 1), 1e-5f);
  // The functional form; normalize=true gives the cosine similarity, 1 for parallel vectors.
  Tensor v({1, 2, 3, 0, 0, 0}, {2, 3});
  Tensor out = layers::dot({v, v * 2.0f}, 1, normalize = true);
  EXPECT_NEAR(out.data()[0], 1.0f, 1e-6f);
  EXPECT_EQ(out.data()[1], 0.0f);  // a zero vector stays 0 (its norm is clamped at 1e-7)
}

TEST(MergeDot, Gradients) {
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> shapes = {
      {{2, 5, 4}, {2, 3, 4}}, {{2, 4, 3}, {2, 4, 5}}, {{2, 3, 4, 2}, {2, 2, 4, 3}}, {{3, 4}, {3, 4}}};
  const std::vector<std::pair<int, int>> axes = {{2, 2}, {1, 1}, {2, 2}, {1, 1}};
  for (size_t i = 0; i < shapes.size(); ++i)
    for (bool norm : {false, true}) {
      layers::Dot dot(IntTuple({axes[i].first, axes[i].second}), normalize = norm);
      std::vector<Tensor> xs = {random::normal(shapes[i].first), random::normal(shapes[i].second)};
      dot(xs);
      kt::expect_gradients_match(dot, xs);
    }
}

TEST(MergeDot, FunctionalModelAndSaving) {
  auto q = Input(shape = {5, 8}), k = Input(shape = {7, 8});
  auto scores = layers::dot({q, k}, axes = 2, normalize = true);
  auto plain = layers::Dot({1, 1})({q, layers::Dense(8)(q)});
  Model model({q, k}, {scores, plain});
  Tensor xq = random::normal({3, 5, 8}), xk = random::normal({3, 7, 8});
  Model loaded = kt::expect_keras_round_trip(model, std::vector<Tensor>{xq, xk});
  const std::string json = loaded.to_json();
  EXPECT_NE(json.find("\"axes\": 2"), std::string::npos) << json;
  EXPECT_NE(json.find("\"axes\": [1, 1]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"normalize\": true"), std::string::npos) << json;
}

TEST(MergeDot, TrainsInAModel) {
  utils::set_random_seed(3);
  auto a = Input(shape = {4}), b = Input(shape = {4});
  auto out = layers::Dot(1)({layers::Dense(4)(a), layers::Dense(4)(b)});
  Model model({a, b}, out);
  model.compile(optimizer = "adam", loss = "mse");
  Tensor xa = random::normal({64, 4}), xb = random::normal({64, 4});
  Tensor y = layers::Dot(1)({xa, xb});
  History h = model.fit(std::vector<Tensor>{xa, xb}, y, epochs = 30, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front());
}
