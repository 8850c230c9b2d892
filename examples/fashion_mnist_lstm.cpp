// Fashion-MNIST read row by row by an LSTM: each image is 28 timesteps of 28 features. As in Python:
//   (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
//   x_train = x_train / 255.0   # shape (60000, 28, 28): (samples, timesteps, features)
//   model = keras.Sequential([layers.LSTM(128, input_shape=(28, 28)),
//                             layers.Dense(10, activation="softmax")])
//   model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
//   model.fit(x_train, y_train, epochs=3, batch_size=32)
//   test_loss, test_acc = model.evaluate(x_test, y_test)
// Exits non-zero below 0.85 test accuracy.
#include <keras/keras.hpp>

#include <cstdio>

using namespace keras;
using namespace keras::kw;

int main() {
  utils::set_random_seed(42);
  auto [train, test] = datasets::fashion_mnist::load_data();
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  x_train = x_train.reshape({-1, 28, 28}) / 255.0f;
  x_test = x_test.reshape({-1, 28, 28}) / 255.0f;

  Sequential model({
      layers::LSTM(128, input_shape = {28, 28}),
      layers::Dense(10, activation = "softmax"),
  });
  model.summary();
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  History history = model.fit(x_train, y_train, epochs = 3, batch_size = 32);

  std::vector<double> result = model.evaluate(x_test, y_test, verbose = 0);
  std::printf("Test loss: %.4f\nTest accuracy: %.4f\n", result[0], result[1]);
  return result[1] >= 0.85 ? 0 : 1;
}
