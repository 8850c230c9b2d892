// The image preprocessing layers in a model: fit() augments (the loss sees different images each epoch), predict()
// does not (repeatable), and a .keras round trip keeps every argument in Keras's config keys.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "support/train_call.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::ScratchDir;

namespace {
Sequential augmented_cnn() {
  return Sequential({
      Input(shape = {16, 16, 3}),
      layers::RandomFlip("horizontal"),
      layers::RandomRotation(0.1, fill_mode = "constant"),
      layers::RandomZoom(0.2, width_factor = FloatList{-0.1, 0.1}),
      layers::RandomTranslation(0.1, 0.2, interpolation = "nearest"),
      layers::RandomContrast(0.2, value_range = FloatList{0.0, 1.0}),
      layers::RandomBrightness(0.1, value_range = FloatList{0.0, 1.0}),
      layers::Resizing(12, 14, crop_to_aspect_ratio = true),
      layers::CenterCrop(10, 10),
      layers::RandomCrop(8, 8, seed = 3),
      layers::Conv2D(4, 3, activation = "relu"),
      layers::Flatten(),
      layers::Dense(2, activation = "softmax"),
  });
}
}  // namespace

TEST(SavingImagePreprocessing, AugmentsInFitOnlyAndRoundTrips) {
  utils::set_random_seed(6);
  Sequential model = augmented_cnn();
  EXPECT_EQ(model.output_shape(), (Shape{Dim(), 2}));
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy");
  Tensor x = random::uniform({16, 16, 16, 3}, 0.0f, 1.0f), y = random::randint(0, 2, {16});
  History h = model.fit(x, y, epochs = 2, batch_size = 8, verbose = 0);
  EXPECT_EQ(h.history.at("loss").size(), 2u);
  const Tensor p = model.predict(x, verbose = 0);
  EXPECT_EQ(max_abs_diff(model.predict(x, verbose = 0), p), 0.0f);
  // What fit() runs: the model in training mode, which augments.
  EXPECT_GT(max_abs_diff(keras::test_support::train_call(model, x), p), 1e-4f);

  ScratchDir dir;
  model.save(dir / "augmented.keras");
  Model loaded = saving::load_model(dir / "augmented.keras");
  EXPECT_EQ(max_abs_diff(loaded.predict(x, verbose = 0), p), 0.0f);
  EXPECT_EQ(loaded.summary_string(), model.summary_string());

  const auto config = nlohmann::json::parse(model.to_json());
  const auto& layers_json = config.at("config").at("layers");
  auto layer_config = [&](const std::string& cls) {
    for (const auto& l : layers_json)
      if (l.at("class_name") == cls) return l.at("config");
    return nlohmann::json();
  };
  EXPECT_EQ(layer_config("RandomFlip").at("mode"), "horizontal");
  EXPECT_EQ(layer_config("RandomRotation").at("fill_mode"), "constant");
  EXPECT_EQ(layer_config("RandomZoom").at("width_factor"), nlohmann::json::parse("[-0.1, 0.1]"));
  EXPECT_EQ(layer_config("RandomZoom").at("fill_mode"), "reflect");
  EXPECT_EQ(layer_config("RandomTranslation").at("interpolation"), "nearest");
  EXPECT_EQ(layer_config("RandomContrast").at("value_range"), nlohmann::json::parse("[0.0, 1.0]"));
  EXPECT_EQ(layer_config("Resizing").at("crop_to_aspect_ratio"), true);
  EXPECT_EQ(layer_config("Resizing").at("width"), 14);
  EXPECT_EQ(layer_config("CenterCrop").at("height"), 10);
  EXPECT_EQ(layer_config("RandomCrop").at("seed"), 3);
}
