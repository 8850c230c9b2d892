#include "keras/layers/reshaping/permute.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;

TEST(Permute, Shapes) {
  EXPECT_EQ(layers::Permute({2, 1})(Input({10, 64})).shape(), (Shape{None, 64, 10}));
  EXPECT_EQ(layers::Permute(dims = {3, 1, 2})(Input({None, 4, 5})).shape(), (Shape{None, 5, None, 4}));
  EXPECT_EQ(layers::Permute({1})(Input({7})).shape(), (Shape{None, 7}));
  EXPECT_EQ(layers::Permute({2, 1})(Tensor::zeros({3, 4, 5})).shape(), (Shape{3, 5, 4}));
}

TEST(Permute, Values) {
  Tensor x = random::normal({2, 3, 4});
  Tensor y = layers::Permute({2, 1})(x);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(y.at({b, j, i}), x.at({b, i, j}));
  Tensor x4 = random::normal({2, 3, 4, 5});
  Tensor y4 = layers::Permute({3, 1, 2})(x4);
  ASSERT_EQ(y4.shape(), (Shape{2, 5, 3, 4}));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 4; ++j)
        for (int64_t k = 0; k < 5; ++k) EXPECT_EQ(y4.at({b, k, i, j}), x4.at({b, i, j, k}));
  // The identity permutation copies.
  EXPECT_EQ(layers::Permute({1, 2, 3})(x4).to_vector(), x4.to_vector());
}

TEST(Permute, LargeInputMatchesSmallLoop) {
  // Big enough for the parallel path.
  Tensor x = random::normal({4, 64, 32, 16});
  Tensor y = layers::Permute({2, 3, 1})(x);
  ASSERT_EQ(y.shape(), (Shape{4, 32, 16, 64}));
  for (int64_t b : {0, 3})
    for (int64_t i : {0, 17, 63})
      for (int64_t j : {0, 31})
        for (int64_t k : {0, 9, 15}) EXPECT_EQ(y.at({b, j, k, i}), x.at({b, i, j, k}));
}

TEST(Permute, Gradients) {
  layers::Permute p({3, 1, 2});
  Tensor x = random::normal({2, 3, 4, 2});
  p(x);
  keras::test_support::expect_gradients_match(p, {x});
}

TEST(Permute, Errors) {
  EXPECT_THROW_WITH(layers::Permute({0, 2, 1}),
                    "Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be "
                    "consecutive and start from 1. Received dims=(0, 2, 1)",
                    "Hint: dims excludes the batch axis");
  EXPECT_THROW_WITH(layers::Permute({1, 3}), "Received dims=(1, 3)", "Hint:", "{1, 2}");
  EXPECT_THROW_WITH(layers::Permute({1, 1}), "Received dims=(1, 1)");
  utils::clear_session();
  EXPECT_THROW_WITH(layers::Permute({2, 1})(Input({10})),
                    "Input 0 of layer \"permute\" is incompatible with the layer: expected ndim=3, found ndim=2. "
                    "Full shape received: (None, 10)",
                    "Hint: Permute({2, 1}) orders 2 non-batch axes", "rank 3", "permutation of {1}");
  EXPECT_THROW_WITH(layers::Permute(kw::Kwargs{}),
                    "Permute.__init__() missing 1 required positional argument: 'dims'", "Hint:");
}

TEST(Permute, ConfigAndRegistry) {
  layers::Permute p({2, 1});
  EXPECT_EQ(*p.impl()->config().get<std::vector<int64_t>>("dims"), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(layers::from_config("Permute", p.impl()->config())(Tensor::zeros({1, 2, 3})).shape(), (Shape{1, 3, 2}));
}
