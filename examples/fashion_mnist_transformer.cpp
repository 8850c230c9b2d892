// Fashion-MNIST read by a small Transformer encoder: each image is a sequence of 28 rows (tokens of 28 features),
// embedded by a Dense layer, with a learned position embedding added. As in Python:
//   inputs = keras.Input(shape=(28, 28))
//   positions = keras.Input(shape=(28,), dtype="int32")             # 0, 1, ..., 27 for every image
//   x = layers.Dense(64)(inputs) + layers.Embedding(28, 64)(positions)
//   attn = layers.MultiHeadAttention(num_heads=4, key_dim=16, dropout=0.1)(x, x)
//   x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attn]))
//   ff = layers.Dense(64)(layers.Dense(128, activation="relu")(x))
//   x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, ff]))
//   outputs = layers.Dense(10, activation="softmax")(layers.GlobalAveragePooling1D()(x))
//   model = keras.Model([inputs, positions], outputs)
//   model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
//   model.fit([x_train, pos_train], y_train, epochs=3, batch_size=64)
// Exits non-zero below 0.85 test accuracy.
#include <keras/keras.hpp>

#include <cstdio>

using namespace keras;
using namespace keras::kw;

namespace {

// The position of every row, (n, 28): the Embedding's input.
Tensor row_positions(int64_t n) {
  Tensor p = Tensor::empty({n, 28});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t t = 0; t < 28; ++t) p.data()[i * 28 + t] = static_cast<float>(t);
  return p;
}

}  // namespace

int main() {
  utils::set_random_seed(42);
  auto [train, test] = datasets::fashion_mnist::load_data();
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  x_train = x_train.reshape({-1, 28, 28}) / 255.0f;
  x_test = x_test.reshape({-1, 28, 28}) / 255.0f;

  auto inputs = Input(shape = {28, 28}, name = "rows");
  auto positions = Input(shape = {28}, name = "positions");
  auto x = layers::Add()({layers::Dense(64)(inputs), layers::Embedding(28, 64)(positions)});
  auto attn = layers::MultiHeadAttention(4, 16, dropout = 0.1)(x, x);
  x = layers::LayerNormalization(epsilon = 1e-6)(layers::Add()({x, attn}));
  auto ff = layers::Dense(64)(layers::Dense(128, activation = "relu")(x));
  x = layers::LayerNormalization(epsilon = 1e-6)(layers::Add()({x, ff}));
  auto outputs = layers::Dense(10, activation = "softmax")(layers::GlobalAveragePooling1D()(x));
  Model model({inputs, positions}, outputs);
  model.summary();
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  History history = model.fit({x_train, row_positions(x_train.dim(0))}, y_train, epochs = 3, batch_size = 64);

  std::vector<double> result = model.evaluate({x_test, row_positions(x_test.dim(0))}, y_test, verbose = 0);
  std::printf("Test loss: %.4f\nTest accuracy: %.4f\n", result[0], result[1]);
  return result[1] >= 0.85 ? 0 : 1;
}
