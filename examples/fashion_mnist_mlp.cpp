// The main job: the Keras Fashion-MNIST MLP, line for line as in Python:
//   (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
//   model = keras.Sequential([layers.Flatten(input_shape=(28, 28, 1)),
//                             layers.Dense(128, activation="relu"),
//                             layers.Dense(10, activation="softmax")])
//   model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
//   model.fit(x_train, y_train, epochs=5, batch_size=32)
//   test_loss, test_acc = model.evaluate(x_test, y_test)
#include <keras/keras.hpp>

#include <cstdio>
#include <iostream>

using namespace keras;
using namespace keras::kw;

int main() {
  utils::set_random_seed(42);
  auto [train, test] = datasets::fashion_mnist::load_data();
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  x_train = x_train.reshape({-1, 28, 28, 1}) / 255.0f;
  x_test = x_test.reshape({-1, 28, 28, 1}) / 255.0f;

  Sequential model({
      layers::Flatten(input_shape = {28, 28, 1}),
      layers::Dense(128, activation = "relu"),
      layers::Dense(10, activation = "softmax"),
  });
  model.summary();
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  History history = model.fit(x_train, y_train, epochs = 5, batch_size = 32);

  std::vector<double> result = model.evaluate(x_test, y_test, verbose = 0);
  std::printf("Test loss: %.4f\nTest accuracy: %.4f\n", result[0], result[1]);
  return result[1] >= 0.87 ? 0 : 1;
}
