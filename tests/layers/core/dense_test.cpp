#include "keras/layers/core/dense.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Dense, ShapesAndWeights) {
  layers::Dense d(10);
  EXPECT_FALSE(d.built());
  Tensor y = d(random::normal({1, 64}));
  EXPECT_EQ(y.shape(), (Shape{1, 10}));
  EXPECT_EQ(d(random::normal({32, 64})).shape(), (Shape{32, 10}));
  auto w = d.get_weights();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].shape(), (Shape{64, 10}));
  EXPECT_EQ(w[1].shape(), (Shape{10}));
  EXPECT_EQ(d.count_params(), 650);
}

TEST(Dense, ActsOnTheLastAxisOfAnyRank) {
  layers::Dense d(16, input_shape = {5});
  EXPECT_EQ(d(random::normal({32, 10, 5})).shape(), (Shape{32, 10, 16}));
  auto out = layers::Dense(16)(Input({10, 5}));
  EXPECT_EQ(out.shape(), (Shape{None, 10, 16}));
}

TEST(Dense, ComputesXWPlusB) {
  layers::Dense d(2, activation = "relu", kernel_initializer = "ones", bias_initializer = "zeros");
  Tensor x({1, 2, 3, -4, -5, -6}, {2, 3});
  d(x);
  d.set_weights({Tensor({1, 0, 0, 1, 1, 1}, {3, 2}), Tensor({0.5f, -0.5f}, {2})});
  Tensor y = d(x);
  EXPECT_FLOAT_EQ(y.at({0, 0}), 1 + 3 + 0.5f);
  EXPECT_FLOAT_EQ(y.at({0, 1}), 2 + 3 - 0.5f);
  EXPECT_FLOAT_EQ(y.at({1, 0}), 0.0f);  // relu
}

TEST(Dense, ProductBiasAndReluMatchTheLoopOnEveryPath) {
  // Large products run as one oneDNN matmul with bias and relu fused into it, small ones as a loop: every element of
  // each, with and without bias, linear or relu (a linear output keeps its negative values).
  struct Case {
    int64_t rows, in, units;
  };
  for (const Case c : {Case{65, 129, 37}, Case{3, 5, 4}})
    for (const bool bias : {false, true})
      for (const char* act : {"linear", "relu"}) {
        layers::Dense d(c.units, use_bias = bias, activation = act);
        const Tensor x = random::normal({c.rows, c.in});
        d(x);
        std::vector<Tensor> weights{random::normal({c.in, c.units})};
        if (bias) weights.push_back(random::normal({c.units}));
        d.set_weights(weights);
        const Tensor y = d(x);
        int64_t negative = 0;
        for (int64_t i = 0; i < c.rows; ++i)
          for (int64_t j = 0; j < c.units; ++j) {
            double acc = bias ? weights[1].at({j}) : 0.0;
            for (int64_t k = 0; k < c.in; ++k) acc += static_cast<double>(x.at({i, k})) * weights[0].at({k, j});
            negative += acc < 0;
            const double expected = std::string(act) == "relu" ? std::max(acc, 0.0) : acc;
            ASSERT_NEAR(y.at({i, j}), expected, 1e-4) << c.rows << "x" << c.in << " bias " << bias << " " << act;
          }
        EXPECT_GT(negative, 0);  // the relu had something to clip
      }
}

TEST(Dense, Errors) {
  
  EXPECT_THROW_WITH(layers::Dense(10)(Tensor::zeros({64})),
                    "Input 0 of layer \"dense", "is incompatible with the layer: expected min_ndim=2, found ndim=1. "
                    "Full shape received: (64,)", "Hint: add the batch dimension: x.reshape({1, 64})");
  layers::Dense d(4);
  d(Tensor::zeros({2, 8}));
  EXPECT_THROW_WITH(d(Tensor::zeros({2, 9})), "expected axis -1 of input shape to have value 8, but received input "
                    "with shape (2, 9)", "Hint:", "use a new layer");
  EXPECT_THROW_WITH(layers::Dense(0), "Received an invalid value for `units`, expected a positive integer. "
                    "Received: units=0");
  EXPECT_THROW_WITH(layers::Dense(), "missing 1 required positional argument: 'units'");
  EXPECT_THROW_WITH(layers::Dense(3, activation = "relux"), "relux", "Hint:");
  EXPECT_THROW_WITH(layers::Dense(3, kernel_initializer = "glorot_uniformm"), "glorot_uniformm", "Hint:");
  EXPECT_THROW_WITH(d.set_weights({Tensor::zeros({8, 5}), Tensor::zeros({4})}),
                    "weight shape (8, 4) is not compatible with provided weight shape (8, 5)");
  EXPECT_THROW_WITH(d.set_weights({Tensor::zeros({8, 4})}), "with a weight list of length 1, but the layer was "
                    "expecting 2 weights");
}

TEST(Dense, GradientsMatchNumerical) {
  utils::set_random_seed(1);
  for (const char* act : {"linear", "relu", "tanh", "softmax", "gelu"}) {
    SCOPED_TRACE(act);
    layers::Dense d(5, activation = act);
    Tensor x = random::normal({4, 3, 6});
    d(x);
    keras::test_support::expect_gradients_match(d, {x});
  }
}

TEST(Dense, AutomaticNamesCountPerClass) {
  utils::clear_session();
  EXPECT_EQ(layers::Dense(1).name(), "dense");
  EXPECT_EQ(layers::Dense(1).name(), "dense_1");
  EXPECT_EQ(layers::Dense(1, name = "fc").name(), "fc");
  EXPECT_EQ(layers::Dense(1).name(), "dense_2");
  EXPECT_EQ(to_snake_case("MaxPooling2D"), "max_pooling2d");
  EXPECT_EQ(to_snake_case("ReLU"), "re_lu");
  EXPECT_EQ(to_snake_case("SimpleRNN"), "simple_rnn");
  EXPECT_EQ(to_snake_case("BatchNormalization"), "batch_normalization");
  EXPECT_EQ(to_snake_case("Conv2DTranspose"), "conv2d_transpose");
}

TEST(Dense, RegisteredByKerasClassName) {
  kw::Kwargs k;
  k.set("units", 3);
  Layer l = layers::from_config("Dense", k);
  EXPECT_EQ(l.class_name(), "Dense");
  EXPECT_THROW_WITH(layers::from_config("Dence", k), "Unknown layer: 'Dence'", "Hint: keraspp knows these layers:",
                    "Dense");
}
