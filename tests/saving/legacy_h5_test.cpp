// Legacy HDF5: model.save("m.h5") as Keras 3 writes it, load_model of it (also under a ".keras" name), and
// Keras 2 save_weights files for load_weights.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/h5_store.hpp"
#include "saving/zip_archive.hpp"
#include "support/gradient_check.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::ScratchDir;
using Json = nlohmann::ordered_json;

namespace {

Sequential small_cnn() {
  utils::set_random_seed(4);
  return Sequential({
      Input(shape = {8, 8, 2}),
      layers::Conv2D(3, 3, activation = "relu", name = "conv"),
      layers::BatchNormalization(name = "bn"),
      layers::MaxPooling2D(2),
      layers::Flatten(),
      layers::Dense(2, activation = "softmax", name = "head"),
  });
}

void shift_weights(const Model& m) {
  for (const Layer& l : m.layers()) {
    auto w = l.get_weights();
    for (Tensor& t : w) t = t + random::uniform(t.dims(), 0.1f, 0.5f);
    if (!w.empty()) l.set_weights(w);
  }
}

float max_output_diff(const Model& a, const Model& b, const Tensor& x) {
  return max_abs_diff(a.predict(x, verbose = 0).outputs().at(0), b.predict(x, verbose = 0).outputs().at(0));
}

}  // namespace

TEST(SavingLegacyH5, SaveAndLoadFullModel) {
  ScratchDir dir;
  Sequential model = small_cnn();
  shift_weights(model);
  model.save(dir / "m.h5");
  std::ifstream in(dir / "m.h5", std::ios::binary);
  char sig[8];
  in.read(sig, 8);
  EXPECT_EQ(std::string(sig, 8), std::string("\x89HDF\r\n\x1a\n", 8));
  Model loaded = saving::load_model(dir / "m.h5");
  EXPECT_EQ(loaded.summary_string(), model.summary_string());
  Tensor x = random::normal({3, 8, 8, 2});
  EXPECT_EQ(max_output_diff(model, loaded, x), 0.0f);
  // The same bytes under a ".keras" name (what tf.keras <= 2.11 wrote): the content decides.
  std::filesystem::copy_file(dir / "m.h5", dir / "old.keras");
  EXPECT_EQ(max_output_diff(model, saving::load_model(dir / "old.keras"), x), 0.0f);
  // load_weights from the full file.
  Sequential other = small_cnn();
  other.load_weights(dir / "m.h5");
  EXPECT_EQ(max_output_diff(model, other, x), 0.0f);
}

TEST(SavingLegacyH5, KerasLayoutOfTheFile) {
  ScratchDir dir;
  utils::clear_session();  // Keras's automatic layer names, from 0
  Sequential model = small_cnn();
  model.save(dir / "m.h5");
  saving::detail::H5Reader r(saving::detail::read_file_bytes(dir / "m.h5", 1 << 30, "m.h5"), "m.h5");
  Json config = Json::parse(r.string_attr("", "model_config").value());
  EXPECT_EQ(config["class_name"], "Sequential");
  EXPECT_FALSE(config.contains("module"));
  EXPECT_EQ(config["config"]["layers"][1]["config"]["dtype"], "float32");
  EXPECT_FALSE(config["config"]["layers"][1].contains("module"));
  EXPECT_EQ(r.string_list_attr("model_weights", "layer_names").value(),
            (std::vector<std::string>{"conv", "bn", "max_pooling2d", "flatten", "head"}));
  EXPECT_EQ(r.string_list_attr("model_weights/bn", "weight_names").value(),
            (std::vector<std::string>{"gamma", "beta", "moving_mean", "moving_variance"}));
  EXPECT_TRUE(r.string_list_attr("model_weights/flatten", "weight_names").value().empty());
  EXPECT_EQ(r.dataset_shape("model_weights/conv/kernel"), (std::vector<int64_t>{3, 3, 2, 3}));
  EXPECT_EQ(r.string_attr("", "backend").value(), "tensorflow");
}

TEST(SavingLegacyH5, Keras2SaveWeightsFile) {
  // Keras 2.x save_weights("w.h5"): layer_names at the root, weight names "<layer>/<name>:0" as nested paths, and
  // layers without weights listed with an empty weight_names.
  ScratchDir dir;
  Sequential model({Input(shape = {3}), layers::Dense(4, name = "d1"), layers::Dropout(0.5), layers::Dense(2, name = "d2")});
  Tensor k1 = random::normal({3, 4}), b1 = random::normal({4}), k2 = random::normal({4, 2}), b2 = random::normal({2});
  {
    saving::detail::H5Writer w;
    w.write_string_list_attr("", "layer_names", {"dense_1", "dropout_1", "dense_2"});
    w.write_string_attr("", "keras_version", "2.2.4");
    w.write_string_list_attr("dense_1", "weight_names", {"dense_1/kernel:0", "dense_1/bias:0"});
    w.write_dataset("dense_1/dense_1/kernel:0", k1);
    w.write_dataset("dense_1/dense_1/bias:0", b1);
    w.write_string_list_attr("dropout_1", "weight_names", {});
    w.write_string_list_attr("dense_2", "weight_names", {"dense_2/kernel:0", "dense_2/bias:0"});
    w.write_dataset("dense_2/dense_2/kernel:0", k2);
    w.write_dataset("dense_2/dense_2/bias:0", b2);
    std::ofstream out(dir / "w.h5", std::ios::binary);
    const std::string bytes = w.image();
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  model.load_weights(dir / "w.h5");
  EXPECT_EQ(max_abs_diff(model.get_layer("d1").get_weights()[0], k1), 0.0f);
  EXPECT_EQ(max_abs_diff(model.get_layer("d2").get_weights()[1], b2), 0.0f);
  // A model with another structure: Keras's messages, nothing assigned.
  Sequential wrong({Input(shape = {3}), layers::Dense(4), layers::Dense(2), layers::Dense(1)});
  EXPECT_THROW_WITH(wrong.load_weights(dir / "w.h5"), "Layer count mismatch when loading weights from file. Model "
                                                      "expected 3 layers, found 2 saved layers.");
  Sequential shapes({Input(shape = {5}), layers::Dense(4), layers::Dense(2)});
  const Tensor before = shapes.layers()[0].get_weights()[0];
  EXPECT_THROW_WITH(shapes.load_weights(dir / "w.h5"), "Shape mismatch in layer #0", "(3, 4)", "(5, 4)");
  EXPECT_EQ(max_abs_diff(shapes.layers()[0].get_weights()[0], before), 0.0f);
}

TEST(SavingLegacyH5, DamagedFilesAreValueErrors) {
  ScratchDir dir;
  Sequential model = small_cnn();
  model.save(dir / "m.h5");
  std::ifstream in(dir / "m.h5", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t len : {size_t{8}, size_t{100}, bytes.size() / 2, bytes.size() - 10}) {
    std::ofstream(dir / "cut.h5", std::ios::binary) << bytes.substr(0, len);
    EXPECT_THROW(saving::load_model(dir / "cut.h5"), ValueError) << "length " << len;
  }
  // A weights-only file given to load_model.
  saving::detail::H5Writer w;
  w.write_string_list_attr("", "layer_names", {});
  std::ofstream(dir / "weights_only.h5", std::ios::binary) << w.image();
  EXPECT_THROW_WITH(saving::load_model(dir / "weights_only.h5"), "No model config found in the file");
}

TEST(SavingLegacyH5, FunctionalWithSharedAndNestedLayers) {
  ScratchDir dir;
  auto a = Input(shape = {4}, name = "a");
  auto b = Input(shape = {4}, name = "b");
  layers::Dense shared(3, activation = "tanh", name = "shared");
  Sequential inner({Input(shape = {3}), layers::Dense(2, name = "inner_dense"), layers::LayerNormalization()},
                   name = "inner");
  auto merged = layers::Concatenate()({inner(shared(a)), inner(shared(b))});
  Model model({a, b}, layers::Dense(1, name = "out")(merged), name = "two_inputs");
  shift_weights(model);
  model.save(dir / "f.h5");
  Model loaded = saving::load_model(dir / "f.h5");
  EXPECT_EQ(loaded.summary_string(), model.summary_string());
  Data x{random::normal({3, 4}), random::normal({3, 4})};
  EXPECT_EQ(max_abs_diff(model.predict(x, verbose = 0), loaded.predict(x, verbose = 0)), 0.0f);
}
