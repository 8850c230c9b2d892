// keras::datasets: Fashion-MNIST from Debian's dataset-fashion-mnist files, MNIST from Keras's mnist.npz,
// and the IDX reader's checks on damaged files.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "datasets/dataset_files.hpp"
#include "keras/core/errors.hpp"
#include "keras/datasets/fashion_mnist.hpp"
#include "keras/datasets/mnist.hpp"
#include "keras/numpy/numpy.hpp"
#include "numpy/npy_test_util.hpp"

namespace {

using keras::Tensor;
using keras::test_support::error_of;
using keras::test_support::ScopedEnv;
using keras::test_support::TempDir;
namespace fs = std::filesystem;

const char* kDebianDir = "/usr/share/datasets/fashion-mnist";

// IDX bytes (uncompressed: zlib's gz reader passes plain files through unchanged).
std::string idx(uint8_t type, const std::vector<uint32_t>& dims, const std::string& data) {
  std::string out = {'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((d >> s) & 0xff);
  return out + data;
}

void write_fake_fashion(const TempDir& dir, uint32_t n_train, uint32_t n_train_images, uint32_t n_test) {
  std::string labels, pixels;
  for (uint32_t i = 0; i < std::max(n_train, n_test); ++i) labels += static_cast<char>(i % 10);
  for (uint32_t i = 0; i < std::max(n_train_images, n_test) * 784; ++i) pixels += static_cast<char>(i % 251);
  keras::test_support::write_file(dir.file("train-labels-idx1-ubyte.gz"), idx(8, {n_train}, labels.substr(0, n_train)));
  keras::test_support::write_file(dir.file("train-images-idx3-ubyte.gz"),
                             idx(8, {n_train_images, 28, 28}, pixels.substr(0, n_train_images * 784)));
  keras::test_support::write_file(dir.file("t10k-labels-idx1-ubyte.gz"), idx(8, {n_test}, labels.substr(0, n_test)));
  keras::test_support::write_file(dir.file("t10k-images-idx3-ubyte.gz"),
                             idx(8, {n_test, 28, 28}, pixels.substr(0, n_test * 784)));
}

TEST(FashionMnist, LoadsTheDebianPackageData) {
  if (!fs::exists(std::string(kDebianDir) + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed (sudo apt-get install dataset-fashion-mnist)";
  ScopedEnv no_override("KERASPP_FASHION_MNIST_DIR", std::nullopt);
  auto start = std::chrono::steady_clock::now();
  auto [train, test] = keras::datasets::fashion_mnist::load_data();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  EXPECT_EQ(x_train.dims(), (std::vector<int64_t>{60000, 28, 28}));
  EXPECT_EQ(y_train.dims(), (std::vector<int64_t>{60000}));
  EXPECT_EQ(x_test.dims(), (std::vector<int64_t>{10000, 28, 28}));
  EXPECT_EQ(y_test.dims(), (std::vector<int64_t>{10000}));
  for (const Tensor* t : {&x_train, &y_train, &x_test, &y_test}) EXPECT_EQ(t->dtype(), "uint8");
  // The first training and test images are both ankle boots, as in Keras's copy of the data.
  EXPECT_EQ(y_train.data()[0], 9.0f);
  EXPECT_EQ(y_test.data()[0], 9.0f);
  EXPECT_STREQ(keras::datasets::fashion_mnist::class_names[9], "Ankle boot");
  std::vector<int64_t> counts(10, 0);
  for (const Tensor* y : {&y_train, &y_test})
    for (int64_t i = 0; i < y->size(); ++i) {
      float v = y->data()[i];
      ASSERT_TRUE(v >= 0 && v <= 9 && v == static_cast<float>(static_cast<int>(v))) << v;
      ++counts[static_cast<size_t>(v)];
    }
  for (int64_t c : counts) EXPECT_EQ(c, 7000);  // the classes are balanced: 6000 + 1000 each
  const float* px = x_train.data();
  float lo = *std::min_element(px, px + x_train.size()), hi = *std::max_element(px, px + x_train.size());
  EXPECT_EQ(lo, 0.0f);
  EXPECT_EQ(hi, 255.0f);
  EXPECT_LT(seconds, 3.0) << "loading Fashion-MNIST took " << seconds << " s";
  std::cout << "[ info ] Fashion-MNIST loaded in " << seconds << " s\n";
}

TEST(FashionMnist, ReadsFromTheOverrideDirectory) {
  TempDir dir;
  write_fake_fashion(dir, 5, 5, 3);
  ScopedEnv env("KERASPP_FASHION_MNIST_DIR", dir.path());
  auto [train, test] = keras::datasets::fashion_mnist::load_data();
  EXPECT_EQ(train.first.dims(), (std::vector<int64_t>{5, 28, 28}));
  EXPECT_EQ(test.first.dims(), (std::vector<int64_t>{3, 28, 28}));
  EXPECT_EQ(train.second.to_vector(), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(train.first.at({1, 0, 0}), static_cast<float>(784 % 251));
  EXPECT_EQ(train.first.dtype(), "uint8");
}

TEST(FashionMnist, MissingFilesSayWhatToInstall) {
  TempDir dir;
  ScopedEnv env("KERASPP_FASHION_MNIST_DIR", dir.path());
  std::string msg = error_of([] { keras::datasets::fashion_mnist::load_data(); });
  EXPECT_CONTAINS(msg, dir.path());
  EXPECT_CONTAINS(msg, "train-labels-idx1-ubyte.gz");
  EXPECT_CONTAINS(msg, "apt-get install dataset-fashion-mnist");
}

TEST(FashionMnist, MismatchedImageAndLabelCounts) {
  TempDir dir;
  write_fake_fashion(dir, 3, 4, 2);
  ScopedEnv env("KERASPP_FASHION_MNIST_DIR", dir.path());
  std::string msg = error_of([] { keras::datasets::fashion_mnist::load_data(); });
  EXPECT_CONTAINS(msg, "train-images-idx3-ubyte.gz");
  EXPECT_CONTAINS(msg, "dimension 0 is 4, expected 3");
}

TEST(Idx, DamagedFilesAreValueErrors) {
  using keras::datasets::detail::read_idx_gz;
  TempDir dir;
  const std::string path = dir.file("x.gz");
  auto read_error = [&](const std::string& bytes) {
    keras::test_support::write_file(path, bytes);
    return error_of([&] { read_idx_gz(path, {-1, 28, 28}, 1000, "test images"); });
  };
  std::string ok_data(2 * 784, '\x07');
  keras::test_support::write_file(path, idx(8, {2, 28, 28}, ok_data));
  Tensor t = read_idx_gz(path, {-1, 28, 28}, 1000, "test images");
  EXPECT_EQ(t.dims(), (std::vector<int64_t>{2, 28, 28}));
  EXPECT_EQ(t.data()[0], 7.0f);

  EXPECT_CONTAINS(read_error(""), "empty or truncated");
  EXPECT_CONTAINS(read_error(std::string("\x01\x02\x08\x03", 4)), "not an IDX file");
  EXPECT_CONTAINS(read_error(idx(0x0d, {2, 28, 28}, ok_data)), "not unsigned bytes");
  EXPECT_CONTAINS(read_error(idx(8, {2, 784}, ok_data)), "declares 2 dimensions, expected 3");
  EXPECT_CONTAINS(read_error(idx(8, {2, 28, 27}, ok_data)), "dimension 2 is 27, expected 28");
  std::string msg = read_error(idx(8, {0xffffffffu, 28, 28}, ok_data));  // a lying count: refused before allocating
  EXPECT_CONTAINS(msg, "dimension 0 is 4294967295, more than the 1000 allowed");
  EXPECT_CONTAINS(msg, path);
  EXPECT_CONTAINS(read_error(idx(8, {3, 28, 28}, ok_data)), "truncated: its header declares 2352 bytes");
  EXPECT_CONTAINS(read_error(idx(8, {2, 28, 28}, ok_data + "x")), "more data than its header declares");
  std::string short_header = idx(8, {2, 28}, "");
  short_header[3] = 3;  // three dimensions declared, two given
  EXPECT_CONTAINS(read_error(short_header), "truncated inside its header");
  EXPECT_CONTAINS(error_of([&] { read_idx_gz(dir.file("none.gz"), {-1}, 10, "labels"); }), "none.gz");
}

TEST(Mnist, MissingFileSaysWhereToPutIt) {
  TempDir home;
  ScopedEnv env("KERAS_HOME", home.path());
  std::string msg = error_of([] { keras::datasets::mnist::load_data(); });
  EXPECT_CONTAINS(msg, home.path() + "/datasets/mnist.npz");
  EXPECT_CONTAINS(msg, "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz");
  EXPECT_CONTAINS(msg, "never downloads");
}

TEST(Mnist, LoadsKerasCachedFile) {
  TempDir home;
  ScopedEnv env("KERAS_HOME", home.path());
  fs::create_directories(home.file("datasets"));
  std::map<std::string, Tensor> arrays = {
      {"x_train", Tensor::full({4, 28, 28}, 3).astype("uint8")},
      {"y_train", Tensor({5, 0, 4, 1}, {4}).astype("uint8")},
      {"x_test", Tensor::full({2, 28, 28}, 200).astype("uint8")},
      {"y_test", Tensor({7, 2}, {2}).astype("uint8")},
  };
  keras::numpy::savez_compressed(home.file("datasets/mnist.npz"), arrays);
  auto [train, test] = keras::datasets::mnist::load_data();
  auto [x_train, y_train] = train;
  EXPECT_EQ(x_train.dims(), (std::vector<int64_t>{4, 28, 28}));
  EXPECT_EQ(x_train.dtype(), "uint8");
  EXPECT_EQ(y_train.to_vector(), (std::vector<float>{5, 0, 4, 1}));
  EXPECT_EQ(test.first.at({1, 27, 27}), 200.0f);
  EXPECT_EQ(test.second.dtype(), "uint8");
  // An absolute path is used as is; a file without the expected keys is named in the error.
  keras::numpy::savez(home.file("other.npz"), {{"x_train", Tensor{1}}});
  std::string msg = error_of([&] { keras::datasets::mnist::load_data(home.file("other.npz")); });
  EXPECT_CONTAINS(msg, "other.npz");
  EXPECT_CONTAINS(msg, "'y_train'");
}

}  // namespace
