#include "keras/datasets/mnist.hpp"

#include <string>
#include <vector>

#include "core/error_hint.hpp"
#include "datasets/dataset_files.hpp"
#include "keras/core/errors.hpp"
#include "keras/numpy/numpy.hpp"

namespace keras::datasets::mnist {

std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>> load_data(const std::string& path) {
  const std::vector<std::string> dirs = detail::keras_cache_dirs();
  std::string file;
  if (!path.empty() && path.front() == '/') {
    file = path;
    if (!detail::file_exists(file))
      throw ValueError("MNIST: '" + file + "' does not exist. keraspp never downloads datasets.",
                       hint_of("download https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz and "
                                "save it as '" + file + "'."));
  } else {
    for (const std::string& d : dirs)
      if (detail::file_exists(d + "/" + path)) {
        file = d + "/" + path;
        break;
      }
    if (file.empty()) {
      std::string target = dirs.front() + "/" + path;
      std::string looked;
      for (const std::string& d : dirs) looked += (looked.empty() ? "" : ", ") + d + "/" + path;
      throw ValueError("MNIST data not found: keraspp reads Keras's file " + path + " from " + target +
                           " and never downloads it (looked in: " + looked + ").",
                       hint_of("download https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz and "
                                "save it as " + target + " (the directory follows $KERAS_HOME, default ~/.keras)."));
    }
  }
  std::map<std::string, Tensor> arrays = numpy::load_npz(file);
  auto get = [&](const char* key) {
    auto it = arrays.find(key);
    if (it == arrays.end())
      throw ValueError("MNIST: '" + file + "' has no array '" + key + "'; expected x_train, y_train, x_test, y_test.",
                       hint_of("replace it with Keras's mnist.npz "
                                "(https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz)."));
    return it->second;
  };
  return {{get("x_train"), get("y_train")}, {get("x_test"), get("y_test")}};
}

}  // namespace keras::datasets::mnist
