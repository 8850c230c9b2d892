#pragma once
// A layer called eagerly in training mode (Dropout and the other random layers act only then), and the seed
// behaviour every random layer shares.
#include <gtest/gtest.h>

#include "keras/keras.hpp"

namespace keras::test_support {

inline Tensor train_call(const Layer& layer, const Tensor& x) { return layer.impl()->call_eager({x}, true).at(0); }

// L(0.5, seed=1) and L(first_kw, seed=1) draw the same, seed=2 other values, and a seeded layer's next call other
// values again (its generator advances); an unseeded layer repeats itself after utils::set_random_seed.
template <class L, class Keyword>
void expect_seeds_reproduce(const Tensor& x, const Keyword& first_kw) {
  L a(0.5, kw::seed = 1), b(first_kw, kw::seed = 1), c(0.5, kw::seed = 2);
  const Tensor ya = train_call(a, x);
  EXPECT_EQ(ya.to_vector(), train_call(b, x).to_vector());
  EXPECT_NE(ya.to_vector(), train_call(c, x).to_vector());
  EXPECT_NE(train_call(a, x).to_vector(), ya.to_vector());
  L global(0.5);
  utils::set_random_seed(7);
  const Tensor y1 = train_call(global, x);
  utils::set_random_seed(7);
  EXPECT_EQ(train_call(global, x).to_vector(), y1.to_vector());
}

}  // namespace keras::test_support
