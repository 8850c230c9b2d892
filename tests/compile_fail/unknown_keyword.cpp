#include <keras/keras.hpp>
using namespace keras;
using namespace keras::kw;
int main() {
  auto d = layers::Dense(10, epochs = 5);  // Dense takes no epochs=
  return d.built();
}
