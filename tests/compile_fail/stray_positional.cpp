#include <keras/keras.hpp>
using namespace keras;
using namespace keras::kw;
int main() {
  Sequential model({layers::Dense(10, input_shape={4})});
  int batch_size = 8;
  // The local variable hides the keyword: this passes the int 8 positionally.
  Tensor y = model.predict(Tensor::zeros({2, 4}), batch_size = batch_size);
  return static_cast<int>(y.size());
}
