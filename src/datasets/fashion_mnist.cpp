#include "keras/datasets/fashion_mnist.hpp"

#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include "core/error_hint.hpp"
#include "datasets/dataset_files.hpp"
#include "keras/core/errors.hpp"

namespace keras::datasets::fashion_mnist {

namespace {

constexpr const char* kDebianDir = "/usr/share/datasets/fashion-mnist";
constexpr const char* kFiles[] = {"train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                                  "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"};
constexpr const char* kFileList =
    "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz";
constexpr int64_t kMaxItems = 200'000;  // the real training set has 60,000; a bound on what a damaged file can make us allocate

bool has_all_files(const std::string& dir) {
  for (const char* f : kFiles)
    if (!detail::file_exists(dir + "/" + f)) return false;
  return true;
}

std::string find_directory() {
  const char* env = std::getenv("KERASPP_FASHION_MNIST_DIR");
  if (env && *env) {
    std::string dir = env;
    for (const char* f : kFiles)
      if (!detail::file_exists(dir + "/" + f))
        throw ValueError("Fashion-MNIST: KERASPP_FASHION_MNIST_DIR is set to '" + dir + "', but '" + dir + "/" + f +
                             "' does not exist.",
                         hint_of(std::string("put the four files ") + kFileList +
                                  " in that directory, or unset KERASPP_FASHION_MNIST_DIR to read Debian's package "
                                  "(`sudo apt-get install dataset-fashion-mnist`)."));
    return dir;
  }
  std::vector<std::string> candidates = {kDebianDir};
  for (const std::string& d : detail::keras_cache_dirs()) candidates.push_back(d + "/fashion-mnist");
  for (const std::string& d : candidates)
    if (has_all_files(d)) return d;
  std::string looked;
  for (size_t i = 1; i < candidates.size(); ++i) looked += (i > 1 ? ", " : "") + candidates[i];
  throw ValueError(std::string("Fashion-MNIST data not found: keraspp reads ") + kFileList + " from " + kDebianDir +
                       " (Debian package dataset-fashion-mnist); it never downloads them. Also looked in: " + looked +
                       ".",
                   hint_of("install the data with `sudo apt-get install dataset-fashion-mnist`, or put the four files "
                            "in a directory and set the environment variable KERASPP_FASHION_MNIST_DIR to it."));
}

}  // namespace

std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>> load_data() {
  std::string dir = find_directory();
  auto labels = [&](const char* file, const char* what) {
    return detail::read_idx_gz(dir + "/" + file, {-1}, kMaxItems, what);
  };
  auto images = [&](const char* file, const char* what, int64_t n) {
    return detail::read_idx_gz(dir + "/" + file, {n, 28, 28}, kMaxItems, what);
  };
  // Labels first: their count fixes the image count, so the image header is checked against it before reading.
  // The test set is decompressed on a second thread while this one reads the training set.
  auto test = std::async(std::launch::async, [&] {
    Tensor y_test = labels(kFiles[2], "Fashion-MNIST test labels");
    Tensor x_test = images(kFiles[3], "Fashion-MNIST test images", y_test.dim(0));
    return std::pair<Tensor, Tensor>{x_test, y_test};
  });
  std::pair<Tensor, Tensor> train;
  try {
    Tensor y_train = labels(kFiles[0], "Fashion-MNIST training labels");
    Tensor x_train = images(kFiles[1], "Fashion-MNIST training images", y_train.dim(0));
    train = {x_train, y_train};
  } catch (...) {
    test.wait();
    throw;
  }
  return {train, test.get()};
}

}  // namespace keras::datasets::fashion_mnist
