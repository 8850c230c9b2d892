#pragma once
// keras.datasets.fashion_mnist: 70,000 28x28 grayscale images of 10 kinds of clothing.
//
//   auto [train, test] = keras::datasets::fashion_mnist::load_data();
//   auto [x_train, y_train] = train;   // (60000, 28, 28) uint8 pixels, (60000,) uint8 labels 0..9
//
// keraspp never downloads anything: the files come from Debian's package dataset-fashion-mnist
// (/usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz). Setting the environment
// variable KERASPP_FASHION_MNIST_DIR to a directory holding those four files reads them from there instead. Without
// either, the Keras cache directory ($KERAS_HOME or ~/.keras)/datasets/fashion-mnist is tried last.
#include <array>
#include <utility>

#include "keras/core/tensor.hpp"

namespace keras::datasets::fashion_mnist {

// ((x_train, y_train), (x_test, y_test)), exactly as Keras returns them: x dtype "uint8" with shape (60000, 28, 28)
// and (10000, 28, 28); y dtype "uint8" with shape (60000,) and (10000,). A ValueError says what to install or where
// to put the files when they are missing, or what is wrong with them when they are damaged.
std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>> load_data();

// The label names, indexed by label (from the Keras documentation of the dataset).
inline constexpr std::array<const char*, 10> class_names = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

}  // namespace keras::datasets::fashion_mnist
