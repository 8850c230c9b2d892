// A program outside the keraspp tree, written against the public API only.
#include <keras/keras.hpp>

#include <iostream>

using namespace keras;
using namespace keras::kw;

int main() {
  Sequential model({
      layers::Dense(8, activation="relu", input_shape={4}),
      layers::Dense(2, activation="softmax"),
  });
  Tensor x = random::uniform({3, 4});
  Tensor y = model.predict(x, verbose=0);
  if (y.shape() != Shape{3, 2}) return 1;
  try {
    model(Tensor::zeros({3, 5}));
    return 1;
  } catch (const ValueError& e) {
    if (std::string(e.what()).find("Hint:") == std::string::npos) return 1;
  }
  std::cout << "consumer ok: " << model.count_params() << " params\n";
  return 0;
}
