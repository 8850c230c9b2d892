// Issue #4's real-data check: the Keras Fashion-MNIST CNN, line for line as in Python:
//   model = keras.Sequential([keras.Input(shape=(28, 28, 1)),
//                             layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
//                             layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
//                             layers.Flatten(), layers.Dense(128, activation="relu"),
//                             layers.Dense(10, activation="softmax")])
//   steps = epochs * math.ceil(len(x_train) / batch_size)
//   lr = keras.optimizers.schedules.CosineDecay(2e-3, decay_steps=steps)
//   model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
//   model.fit(x_train, y_train, epochs=3, batch_size=32)
//   test_loss, test_acc = model.evaluate(x_test, y_test)
// Exits non-zero below 0.90 test accuracy.
// Why the schedule: with the default "adam" (a constant 1e-3) this model lands on about 0.895 after 3 epochs, in
// keraspp and in PyTorch alike, and seeds spread it by +-0.5 points. Starting at twice the rate and annealing it to
// zero over the run (Keras's CosineDecay) gave 0.907-0.912 on each of seeds 42-48.
// Optional arguments: epochs, batch size, training samples (for profiling), random seed (default 42; other seeds
// show the spread of the result).
// On a machine shared with other jobs, run it with OMP_WAIT_POLICY=passive: GNU OpenMP's idle threads otherwise spin
// after every parallel region (68% of the CPU samples in a profile on the loaded 2-core machine, 3-8x slower).
#include <keras/keras.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace keras;
using namespace keras::kw;

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 3;
  const int batch = argc > 2 ? std::atoi(argv[2]) : 32;
  const int64_t limit = argc > 3 ? std::atoll(argv[3]) : 0;
  const int seed = argc > 4 ? std::atoi(argv[4]) : 42;
  utils::set_random_seed(seed);
  auto [train, test] = datasets::fashion_mnist::load_data();
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  x_train = x_train.reshape({-1, 28, 28, 1}) / 255.0f;
  x_test = x_test.reshape({-1, 28, 28, 1}) / 255.0f;
  if (limit > 0) {
    x_train = x_train.slice(0, limit);
    y_train = y_train.slice(0, limit);
  }

  Sequential model({
      Input({28, 28, 1}),
      layers::Conv2D(32, 3, activation = "relu"),
      layers::MaxPooling2D(),
      layers::Conv2D(64, 3, activation = "relu"),
      layers::MaxPooling2D(),
      layers::Flatten(),
      layers::Dense(128, activation = "relu"),
      layers::Dense(10, activation = "softmax"),
  });
  model.summary();
  const int64_t train_samples = x_train.dim(0);
  const int steps = static_cast<int>(epochs * ((train_samples + batch - 1) / batch));
  model.compile(optimizer = optimizers::Adam(optimizers::schedules::CosineDecay(2e-3, decay_steps = steps)),
                loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  const auto t0 = std::chrono::steady_clock::now();
  History history = model.fit(x_train, y_train, kw::epochs = epochs, batch_size = batch);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("Training: %.1f s (%.1f s per epoch)\n", seconds, seconds / epochs);

  std::vector<double> result = model.evaluate(x_test, y_test, verbose = 0);
  std::printf("Test loss: %.4f\nTest accuracy: %.4f\n", result[0], result[1]);
  return result[1] >= 0.90 ? 0 : 1;
}
