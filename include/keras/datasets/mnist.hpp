#pragma once
// keras.datasets.mnist: 70,000 28x28 grayscale images of handwritten digits.
//
//   auto [train, test] = keras::datasets::mnist::load_data();
//   auto [x_train, y_train] = train;   // (60000, 28, 28) uint8 pixels, (60000,) uint8 labels 0..9
//
// keraspp never downloads anything: it reads Keras's own cached file mnist.npz (keys x_train, y_train, x_test,
// y_test) from $KERAS_HOME/datasets/ when KERAS_HOME is set, else from ~/.keras/datasets/ (then /tmp/.keras/datasets/,
// where Keras caches when the home directory is not writable).
#include <string>
#include <utility>

#include "keras/core/tensor.hpp"

namespace keras::datasets::mnist {

// ((x_train, y_train), (x_test, y_test)) from the arrays stored in the file, as Keras returns them. `path` is the
// file name inside the datasets cache directory (Keras's `path="mnist.npz"`); an absolute path is used as is.
// A ValueError says exactly where to put the file when it is missing.
std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>> load_data(const std::string& path = "mnist.npz");

}  // namespace keras::datasets::mnist
