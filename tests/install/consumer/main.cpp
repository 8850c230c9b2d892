// A program outside the keraspp tree, written against the public API only.
#include <keras/keras.hpp>

#include <iostream>

using namespace keras;
using namespace keras::kw;

// A user's own layer, from the installed headers: weights in build(), keras::ops in call(), gradients derived.
class ScaleImpl : public layers::CustomLayer {
 public:
  ScaleImpl() : CustomLayer("Scale") {}
  void build(const Shape& input_shape) override { w_ = add_weight("w", {input_shape[-1].value()}, "ones"); }
  Tensor call(const Tensor& x, bool) override { return ops::tanh(x) * w_->value; }

 private:
  VariablePtr w_;
};

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
  Sequential custom({Input(shape={4}), layers::make_layer<ScaleImpl>(), layers::Dense(1)});
  custom.compile(optimizer="sgd", loss="mse");
  if (custom.fit(x, Tensor::ones({3, 1}), epochs=2, verbose=0).history.at("loss").size() != 2) return 1;
  std::cout << "consumer ok: " << model.count_params() << " params\n";
  return 0;
}
