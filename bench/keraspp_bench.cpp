// The keraspp side of the benchmark (bench/run.py runs it interleaved with bench/torch_peer.py).
// Trains one model for a number of epochs on the real Fashion-MNIST training set exactly as a Keras user would
// (Sequential, compile, fit), then times predict on the test set, and prints one JSON object on stdout.
//   keraspp_bench --model cnn --batch 32 --epochs 4
//   keraspp_bench --gemm-peak        the 2-thread SGEMM rate of this machine, the GFLOP/s column's yardstick
#include <keras/keras.hpp>

#include <CLI/CLI.hpp>
#include <dnnl.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <vector>

using namespace keras;
using namespace keras::kw;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Best of several 1024^3 products: what 2 threads of this CPU reach on the kernel every layer ends up in.
double gemm_peak_gflops() {
  const dnnl_dim_t n = 1024;
  std::vector<float> a(n * n, 0.5f), b(n * n, 0.25f), c(n * n, 0.0f);
  double best = 0.0;
  for (int rep = 0; rep < 12; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    dnnl_sgemm('N', 'N', n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    best = std::max(best, 2.0 * n * n * n / seconds_since(t0) / 1e9);
  }
  return best;
}

Sequential make_model(const std::string& name) {
  if (name == "mlp")
    return Sequential({layers::Flatten(input_shape = {28, 28, 1}), layers::Dense(128, activation = "relu"),
                       layers::Dense(10, activation = "softmax")});
  if (name == "cnn")
    return Sequential({layers::Conv2D(32, 3, activation = "relu", input_shape = {28, 28, 1}),
                       layers::MaxPooling2D(2), layers::Conv2D(64, 3, activation = "relu"),
                       layers::MaxPooling2D(2), layers::Flatten(), layers::Dense(128, activation = "relu"),
                       layers::Dense(10, activation = "softmax")});
  // Not in the table: the usual Conv/BatchNormalization/ReLU block, with Dropout (bench/run.py --models cnn_bn).
  if (name == "cnn_bn")
    return Sequential({layers::Conv2D(32, 3, use_bias = false, input_shape = {28, 28, 1}),
                       layers::BatchNormalization(), layers::Activation("relu"), layers::MaxPooling2D(2),
                       layers::Conv2D(64, 3, use_bias = false), layers::BatchNormalization(),
                       layers::Activation("relu"), layers::MaxPooling2D(2), layers::Flatten(), layers::Dropout(0.25),
                       layers::Dense(128, activation = "relu"), layers::Dense(10, activation = "softmax")});
  if (name == "lstm")
    return Sequential({layers::LSTM(128, input_shape = {28, 28}), layers::Dense(10, activation = "softmax")});
  // Not in the table either: the other recurrent layer (bench/run.py --models gru).
  if (name == "gru")
    return Sequential({layers::GRU(128, input_shape = {28, 28}), layers::Dense(10, activation = "softmax")});
  throw std::invalid_argument("unknown model " + name);
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"keraspp side of the keraspp vs PyTorch benchmark"};
  std::string model_name;
  int batch = 32, n_epochs = 4, seed = 42;
  bool peak = false;
  app.add_option("--model", model_name, "mlp, cnn, lstm, cnn_bn or gru");
  app.add_option("--batch", batch, "training batch size");
  app.add_option("--epochs", n_epochs, "epochs to train; the first is a warm-up");
  app.add_option("--seed", seed, "random seed");
  app.add_flag("--gemm-peak", peak, "print the SGEMM GFLOP/s of this machine and exit");
  CLI11_PARSE(app, argc, argv);

  if (peak) {
    std::cout << nlohmann::json{{"gemm_peak_gflops", gemm_peak_gflops()}}.dump() << "\n";
    return 0;
  }

  utils::set_random_seed(seed);
  auto [train, test] = datasets::fashion_mnist::load_data();
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  std::vector<int64_t> image = model_name == "lstm" || model_name == "gru" ? std::vector<int64_t>{-1, 28, 28}
                                                    : std::vector<int64_t>{-1, 28, 28, 1};
  x_train = x_train.reshape(image) / 255.0f;
  x_test = x_test.reshape(image) / 255.0f;
  const double rss_after_data = peak_rss_mb();

  Sequential model = make_model(model_name);
  // No training metrics: the peer computes none either, so both do the same work per step.
  model.compile(optimizer = optimizers::Adam(learning_rate = 1e-3), loss = "sparse_categorical_crossentropy");

  std::vector<double> epoch_s;
  for (int e = 0; e < n_epochs; ++e) {
    auto t0 = std::chrono::steady_clock::now();
    model.fit(x_train, y_train, epochs = 1, batch_size = batch, verbose = 0);
    epoch_s.push_back(seconds_since(t0));
  }

  const double rss_after_training = peak_rss_mb();

  std::vector<double> infer_s;
  Tensor probabilities;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    probabilities = model.predict(x_test, batch_size = 1024, verbose = 0);
    infer_s.push_back(seconds_since(t0));
  }
  const int64_t n_test = y_test.dim(0), classes = 10;
  int64_t correct = 0;
  const float* p = probabilities.data();
  const float* labels = y_test.data();
  for (int64_t i = 0; i < n_test; ++i) {
    const float* row = p + i * classes;
    correct += std::max_element(row, row + classes) - row == static_cast<int64_t>(labels[i]);
  }

  nlohmann::json out = {
      {"framework", "keraspp"},
      {"model", model_name},
      {"batch", batch},
      {"epoch_s", std::vector<double>(epoch_s.begin() + 1, epoch_s.end())},
      {"infer_samples_per_s", static_cast<double>(n_test) / median(infer_s)},
      {"peak_rss_mb", peak_rss_mb()},
      // Where the peak was reached: the process's peak so far after loading data, after training, after predict.
      {"peak_rss_mb_after", {{"data", rss_after_data}, {"training", rss_after_training}, {"inference", peak_rss_mb()}}},
      {"test_accuracy", static_cast<double>(correct) / static_cast<double>(n_test)},
  };
  std::cout << out.dump() << "\n";
  return 0;
}
