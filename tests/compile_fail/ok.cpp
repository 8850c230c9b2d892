#include <keras/keras.hpp>
using namespace keras;
using namespace keras::kw;
int main() {
  Sequential model({layers::Dense(128, input_shape={784}, activation="relu"), layers::Dense(10)});
  int n = 8;
  Tensor y = model.predict(Tensor::zeros({2, 784}), kw::batch_size = n, verbose = 0);
  return static_cast<int>(y.size());
}
