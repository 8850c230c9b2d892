// Saving and loading in Keras 3's formats: .weights.h5, .keras, to_json / model_from_json.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/h5_store.hpp"
#include "saving/zip_archive.hpp"
#include "support/saving_helpers.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::keys_of;
using keras::test_support::read_text;
using keras::test_support::ScratchDir;
using keras::test_support::write_bytes;
using Json = nlohmann::ordered_json;

namespace {

// A layer of a class another part of keraspp may not have yet (the activation layers): by registry name.
std::optional<Layer> optional_layer(const std::string& class_name, const kw::Kwargs& k = {}) {
  if (!layers::is_registered(class_name)) return std::nullopt;
  return layers::from_config(class_name, k);
}

void expect_same_predictions(const Model& a, const Model& b, const Data& x) {
  Prediction pa = a.predict(x, verbose = 0);
  Prediction pb = b.predict(x, verbose = 0);
  ASSERT_EQ(pa.num_outputs(), pb.num_outputs());
  for (size_t i = 0; i < pa.num_outputs(); ++i) {
    ASSERT_EQ(pa.outputs()[i].dims(), pb.outputs()[i].dims());
    EXPECT_EQ(max_abs_diff(pa.outputs()[i], pb.outputs()[i]), 0.0f) << "output " << i;
  }
}

// Sequential with every single-input layer keraspp has.
Sequential every_layer_sequential() {
  Sequential model({
      Input(shape = {6}),
      layers::Dense(8, activation = "tanh", kernel_initializer = initializers::RandomNormal(stddev = 0.3, seed = 3),
                    bias_initializer = initializers::Constant(0.1)),
      layers::Dropout(0.25, seed = 7),
      layers::Reshape({2, 4}),
      layers::Permute({2, 1}),
      layers::Flatten(),
      layers::RepeatVector(2),
      layers::Flatten(),
      layers::Activation("relu"),
      layers::Dense(5, use_bias = false, name = "projection"),
  });
  kw::Kwargs relu;
  relu.set("max_value", 2.0);
  kw::Kwargs leaky;
  leaky.set("negative_slope", 0.2);
  kw::Kwargs elu;
  elu.set("alpha", 0.5);
  for (auto l : {optional_layer("ReLU", relu), optional_layer("LeakyReLU", leaky), optional_layer("ELU", elu),
                 optional_layer("PReLU"), optional_layer("Softmax")})
    if (l) model.add(*l);
  model.add(layers::Dense(3, activation = "softmax"));
  return model;
}

// Functional with two inputs, every merge layer, a shared layer and two outputs.
Model every_merge_functional() {
  auto a = Input(shape = {4}, name = "in_a");
  auto b = Input(shape = {4}, name = "in_b");
  layers::Dense shared(4, activation = "tanh", name = "shared");
  auto ha = shared(a);
  auto hb = shared(b);
  auto merged = layers::Concatenate()({layers::Add()({ha, hb}), layers::Subtract()({ha, hb}),
                                       layers::Multiply()({ha, hb}), layers::Average()({ha, hb}),
                                       layers::Maximum()({ha, hb}), layers::Minimum()({ha, hb})});
  auto out1 = layers::Dense(2, name = "head_1")(merged);
  auto out2 = layers::Dense(1, activation = "sigmoid", name = "head_2")(layers::Concatenate(axis = 1)({merged, a}));
  return Model({a, b}, {out1, out2}, name = "two_heads");
}

}  // namespace

// ---- weights only ----

TEST(SavingWeights, RoundTripIntoAFreshModel) {
  ScratchDir dir;
  auto make = [] { return Sequential({Input(shape = {4}), layers::Dense(3, activation = "relu"), layers::Dense(2)}); };
  Sequential model = make();
  model.save_weights(dir / "m.weights.h5");
  Sequential other = make();
  Tensor x = random::normal({5, 4});
  EXPECT_GT(max_abs_diff(model.predict(x, verbose = 0), other.predict(x, verbose = 0)), 0.0f);
  other.load_weights(dir / "m.weights.h5");
  expect_same_predictions(model, other, x);
  // The same weights from a .keras archive.
  model.save(dir / "m.keras");
  Sequential third = make();
  third.load_weights(dir / "m.keras");
  expect_same_predictions(model, third, x);
}

TEST(SavingWeights, KerasLayoutOfTheStore) {
  ScratchDir dir;
  utils::clear_session();
  Sequential model({Input(shape = {4}), layers::Dense(3), layers::Dropout(0.5), layers::Dense(2, name = "out")});
  model.save_weights(dir / "m.weights.h5");
  const std::string bytes = read_text(dir / "m.weights.h5");
  ASSERT_GE(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89HDF\r\n\x1a\n", 8));
  saving::detail::H5Reader r(bytes, "m.weights.h5");
  EXPECT_EQ(r.count_vars(""), 0u);  // the model's own (empty) /vars
  // Paths follow the class (snake case, numbered per class), not the layer names ("out").
  EXPECT_EQ(r.count_vars("layers/dense"), 2u);
  EXPECT_EQ(r.var_shape("layers/dense", 0), (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(r.var_shape("layers/dense", 1), (std::vector<int64_t>{3}));
  EXPECT_EQ(r.count_vars("layers/dropout"), 0u);
  EXPECT_EQ(r.count_vars("layers/dense_1"), 2u);
  EXPECT_EQ(r.var_shape("layers/dense_1", 0), (std::vector<int64_t>{3, 2}));
  EXPECT_FALSE(r.count_vars("layers/input_layer").has_value());  // Sequential leaves its InputLayer out
  EXPECT_FALSE(r.count_vars("layers/out").has_value());
  Tensor k = r.read_var("layers/dense_1", 0, {3, 2});
  EXPECT_EQ(max_abs_diff(k, model.get_layer("out").get_weights()[0]), 0.0f);

  // Functional models list their InputLayer (layers/input_layer, no variables).
  auto in = Input(shape = {2});
  Model f(in, layers::Dense(1)(layers::Dense(2)(in)));
  f.save_weights(dir / "f.weights.h5");
  saving::detail::H5Reader rf(read_text(dir / "f.weights.h5"), "f.weights.h5");
  EXPECT_EQ(rf.count_vars("layers/input_layer"), 0u);
  EXPECT_EQ(rf.count_vars("layers/dense"), 2u);
  EXPECT_EQ(rf.count_vars("layers/dense_1"), 2u);
}

TEST(SavingWeights, ShapeMismatchNamesTheLayerAndBothShapes) {
  ScratchDir dir;
  Sequential saved({Input(shape = {5}), layers::Dense(3, name = "fc")});
  saved.save_weights(dir / "m.weights.h5");
  Sequential other({Input(shape = {4}), layers::Dense(3, name = "fc")});
  Tensor before = other.get_layer("fc").get_weights()[0];
  try {
    other.load_weights(dir / "m.weights.h5");
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("A total of 1 objects could not be loaded"), std::string::npos) << what;
    EXPECT_NE(what.find("variable.shape=(4, 3), Received: value.shape=(5, 3)"), std::string::npos) << what;
    EXPECT_NE(what.find("<Dense name=fc, built=True>"), std::string::npos) << what;
    EXPECT_NE(what.find("Hint:"), std::string::npos) << what;
    EXPECT_EQ(e.layer(), "fc");
    EXPECT_EQ(e.expected(), "(4, 3)");
    EXPECT_EQ(e.received(), "(5, 3)");
    EXPECT_FALSE(e.hint().empty());
  }
  // Nothing was changed.
  EXPECT_EQ(max_abs_diff(before, other.get_layer("fc").get_weights()[0]), 0.0f);

  // A model with a layer more: Keras's count message.
  Sequential longer({Input(shape = {5}), layers::Dense(3), layers::Dense(2)});
  EXPECT_THROW_CONTAINING(longer.load_weights(dir / "m.weights.h5"), ValueError,
                          "expected 2 variables, but received 0 variables during loading. Expected: ['kernel', 'bias']");
}

TEST(SavingWeights, FileNamesAreChecked) {
  ScratchDir dir;
  Sequential model({Input(shape = {2}), layers::Dense(1)});
  EXPECT_THROW_CONTAINING(model.save_weights(dir / "m.h5"), ValueError,
                          "The filename must end in `.weights.h5`. Received: filepath=");
  EXPECT_THROW_CONTAINING(model.load_weights(dir / "m.txt"), ValueError, "File format not supported");
  EXPECT_THROW_CONTAINING(model.load_weights(dir / "missing.weights.h5"), ValueError, "File not found");
  EXPECT_THROW_CONTAINING(model.load_weights(dir / "legacy.h5"), ValueError, "File not found");
  EXPECT_THROW_CONTAINING(model.save(dir / "m.txt"), ValueError, "Invalid filepath extension for saving.");
  EXPECT_FALSE(std::filesystem::exists(dir / "m.h5"));
}

// ---- whole models ----

TEST(SavingModel, SequentialWithEveryLayerRoundTrips) {
  ScratchDir dir;
  Sequential model = every_layer_sequential();
  model.save(dir / "seq.keras");
  Model loaded = saving::load_model(dir / "seq.keras");
  EXPECT_EQ(loaded.class_name(), "Sequential");
  EXPECT_EQ(loaded.summary_string(), model.summary_string());
  EXPECT_EQ(loaded.to_json(), model.to_json());
  expect_same_predictions(model, loaded, random::normal({7, 6}));
  // The archive: Keras's three entries, in Keras's order.
  auto zip = saving::detail::read_zip(dir / "seq.keras", {"metadata.json"}, {}, "seq.keras");
  EXPECT_EQ(zip.names, (std::vector<std::string>{"metadata.json", "config.json", "model.weights.h5"}));
  Json meta = Json::parse(zip.entries.at("metadata.json"));
  EXPECT_EQ(keys_of(meta), (std::vector<std::string>{"keras_version", "date_saved"}));
  EXPECT_EQ(meta["keras_version"].get<std::string>().substr(0, 2), "3.");
}

TEST(SavingModel, FunctionalWithMergeLayersAndSharedLayersRoundTrips) {
  ScratchDir dir;
  Model model = every_merge_functional();
  model.save(dir / "f.keras");
  Model loaded = saving::load_model(dir / "f.keras");
  EXPECT_EQ(loaded.class_name(), "Functional");
  EXPECT_EQ(loaded.name(), "two_heads");
  EXPECT_EQ(loaded.summary_string(), model.summary_string());
  EXPECT_EQ(loaded.to_json(), model.to_json());
  expect_same_predictions(model, loaded, Data{random::normal({3, 4}), random::normal({3, 4})});
}

TEST(SavingModel, NestedModelsRoundTrip) {
  ScratchDir dir;
  auto in = Input(shape = {3});
  Model inner(in, layers::Dense(2, activation = "relu")(in), name = "inner");
  Sequential stack({layers::Dense(4, input_shape = {2}), layers::Dense(3)}, name = "stack");
  auto outer_in = Input(shape = {2});
  Model outer(outer_in, layers::Dense(1)(inner(stack(outer_in))));
  outer.save(dir / "nested.keras");
  Model loaded = saving::load_model(dir / "nested.keras");
  EXPECT_EQ(loaded.summary_string(), outer.summary_string());
  expect_same_predictions(outer, loaded, random::normal({4, 2}));
  saving::detail::H5Reader r(saving::detail::read_zip(dir / "nested.keras", {"model.weights.h5"}, {}, "x")
                                 .entries.at("model.weights.h5"),
                             "nested");
  EXPECT_EQ(r.count_vars("layers/sequential/layers/dense"), 2u);
  EXPECT_EQ(r.count_vars("layers/functional/layers/dense"), 2u);
  EXPECT_EQ(r.count_vars("layers/dense"), 2u);
}

TEST(SavingModel, ConfigJsonHasKerasKeys) {
  utils::clear_session();
  Sequential model({Input(shape = {3}), layers::Dense(2, activation = "relu")});
  Json j = Json::parse(model.to_json());
  EXPECT_EQ(keys_of(j), (std::vector<std::string>{"module", "class_name", "config", "registered_name", "build_config"}));
  EXPECT_EQ(j["module"], "keras");
  EXPECT_EQ(j["class_name"], "Sequential");
  EXPECT_TRUE(j["registered_name"].is_null());
  EXPECT_EQ(j["build_config"], Json::parse(R"({"input_shape": [null, 3]})"));
  const Json& c = j["config"];
  EXPECT_EQ(keys_of(c), (std::vector<std::string>{"name", "trainable", "dtype", "layers", "build_input_shape"}));
  EXPECT_EQ(c["name"], "sequential");
  EXPECT_EQ(c["build_input_shape"], Json::parse("[null, 3]"));
  const Json policy = Json::parse(
      R"({"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null})");
  EXPECT_EQ(c["dtype"], policy);
  ASSERT_EQ(c["layers"].size(), 2u);
  const Json& input = c["layers"][0];
  EXPECT_EQ(input, Json::parse(R"({"module": "keras.layers", "class_name": "InputLayer",
      "config": {"batch_shape": [null, 3], "dtype": "float32", "sparse": false, "ragged": false,
                 "name": "input_layer", "optional": false}, "registered_name": null})"));
  const Json& dense = c["layers"][1];
  EXPECT_EQ(keys_of(dense), (std::vector<std::string>{"module", "class_name", "config", "registered_name", "build_config"}));
  EXPECT_EQ(dense["module"], "keras.layers");
  EXPECT_EQ(dense["class_name"], "Dense");
  EXPECT_EQ(dense["build_config"], Json::parse(R"({"input_shape": [null, 3]})"));
  EXPECT_EQ(dense["config"], Json::parse(R"({"name": "dense", "trainable": true,
      "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
      "units": 2, "activation": "relu", "use_bias": true,
      "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null},
                             "registered_name": null},
      "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
      "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null})"));
  // json.dumps's separators, as Keras writes config.json.
  EXPECT_EQ(model.to_json().substr(0, 40), R"({"module": "keras", "class_name": "Seque)");

  // A compiled model also carries compile_config.
  model.compile(optimizer = "adam", loss = "mse", metrics = {"mae"});
  Json compiled = Json::parse(model.to_json());
  ASSERT_TRUE(compiled.contains("compile_config"));
  const Json& cc = compiled["compile_config"];
  EXPECT_EQ(keys_of(cc), (std::vector<std::string>{"optimizer", "loss", "loss_weights", "metrics", "weighted_metrics",
                                                   "run_eagerly", "steps_per_execution", "jit_compile"}));
  EXPECT_EQ(cc["optimizer"]["class_name"], "Adam");
  EXPECT_EQ(cc["optimizer"]["module"], "keras.optimizers");
  EXPECT_EQ(cc["loss"], "mse");  // the name compile() was given, as Keras writes it
  EXPECT_EQ(cc["metrics"], Json::parse(R"(["mae"])"));
}

TEST(SavingModel, FunctionalConfigUsesKerasTensors) {
  utils::clear_session();
  auto a = Input(shape = {8}, name = "a");
  auto b = Input(shape = {30}, name = "b");
  auto h = layers::Dense(8, name = "d")(b);
  Model model({a, b}, layers::Concatenate(name = "cat")({a, h}));
  Json j = Json::parse(model.to_json());
  EXPECT_EQ(j["module"], "keras.src.models.functional");
  EXPECT_EQ(j["registered_name"], "Functional");
  const Json& c = j["config"];
  EXPECT_EQ(keys_of(c), (std::vector<std::string>{"name", "trainable", "layers", "input_layers", "output_layers"}));
  EXPECT_EQ(c["input_layers"], Json::parse(R"([["a", 0, 0], ["b", 0, 0]])"));
  EXPECT_EQ(c["output_layers"], Json::parse(R"(["cat", 0, 0])"));
  const Json& cat = c["layers"][3];
  EXPECT_EQ(cat["name"], "cat");
  EXPECT_EQ(cat["build_config"], Json::parse("{\"input_shape\": [[null, 8], [null, 8]]}"));
  EXPECT_EQ(cat["inbound_nodes"], Json::parse(R"([{"args": [[
      {"class_name": "__keras_tensor__", "config": {"shape": [null, 8], "dtype": "float32", "keras_history": ["a", 0, 0]}},
      {"class_name": "__keras_tensor__", "config": {"shape": [null, 8], "dtype": "float32", "keras_history": ["d", 0, 0]}}
      ]], "kwargs": {}}])"));
  EXPECT_EQ(c["layers"][0]["inbound_nodes"], Json::array());
}

TEST(SavingModel, ToJsonAndModelFromJson) {
  Model model = every_merge_functional();
  const std::string text = model.to_json();
  Model rebuilt = models::model_from_json(text);
  EXPECT_EQ(rebuilt.to_json(), text);
  EXPECT_EQ(rebuilt.summary_string(), model.summary_string());
  EXPECT_EQ(rebuilt.count_params(), model.count_params());
  Sequential seq = every_layer_sequential();
  Model seq2 = models::model_from_json(seq.to_json());
  EXPECT_EQ(seq2.to_json(), seq.to_json());
  EXPECT_EQ(seq2.summary_string(), seq.summary_string());
}

TEST(SavingModel, DeferredSequentialRoundTrips) {
  ScratchDir dir;
  Sequential model({layers::Dense(3), layers::Dense(1)});
  Model unbuilt = models::model_from_json(model.to_json());
  EXPECT_FALSE(unbuilt.built());
  model.build(Shape{None, 5});
  model.save(dir / "d.keras");
  Model loaded = saving::load_model(dir / "d.keras");
  expect_same_predictions(model, loaded, random::normal({2, 5}));
}

TEST(SavingModel, CompiledModelKeepsItsOptimizerState) {
  ScratchDir dir;
  utils::set_random_seed(1);
  Sequential model({Input(shape = {3}), layers::Dense(4, activation = "relu"), layers::Dense(1)});
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.01), loss = "mse", metrics = {"mae"});
  Tensor x = random::normal({16, 3}), y = random::normal({16, 1});
  model.fit(x, y, epochs = 2, batch_size = 8, verbose = 0, shuffle = false);
  model.save(dir / "c.keras");
  Model loaded = saving::load_model(dir / "c.keras");
  ASSERT_TRUE(loaded.compiled());
  EXPECT_EQ(loaded.optimizer()->class_name(), "Adam");
  EXPECT_EQ(loaded.optimizer()->iterations(), model.optimizer()->iterations());
  EXPECT_NEAR(loaded.optimizer()->learning_rate(), 0.01, 1e-9);
  // Training goes on identically from the restored state.
  auto l1 = model.train_on_batch(x, y);
  auto l2 = loaded.train_on_batch(x, y);
  EXPECT_EQ(l1, l2);
  EXPECT_EQ(loaded.metrics_names(), model.metrics_names());
  expect_same_predictions(model, loaded, x);
  // compile=false leaves it uncompiled.
  EXPECT_FALSE(saving::load_model(dir / "c.keras", false).compiled());
}

TEST(SavingModel, CompileConfigWithObjectsRoundTrips) {
  Sequential model({Input(shape = {3}), layers::Dense(4)});
  model.compile(optimizer = optimizers::SGD(learning_rate = 0.1, momentum = 0.9, nesterov = true),
                loss = losses::SparseCategoricalCrossentropy(from_logits = true), metrics = {"accuracy"});
  Json original = Json::parse(model.to_json());
  const Json& cc = original["compile_config"];
  EXPECT_EQ(cc["optimizer"]["class_name"], "SGD");
  EXPECT_EQ(cc["optimizer"]["config"]["momentum"], 0.9);
  EXPECT_EQ(cc["optimizer"]["config"]["nesterov"], true);
  EXPECT_EQ(cc["loss"]["module"], "keras.losses");
  EXPECT_EQ(cc["loss"]["class_name"], "SparseCategoricalCrossentropy");
  EXPECT_EQ(cc["loss"]["config"]["from_logits"], true);
  Model rebuilt = models::model_from_json(model.to_json());
  ASSERT_TRUE(rebuilt.compiled());
  EXPECT_EQ(Json::parse(rebuilt.to_json())["compile_config"], cc);

  Sequential scheduled({Input(shape = {3}), layers::Dense(1)});
  scheduled.compile(optimizer = optimizers::Adam(learning_rate = optimizers::schedules::ExponentialDecay(0.01, 100, 0.9)),
                    loss = "mae");
  Json with_schedule = Json::parse(scheduled.to_json())["compile_config"];
  EXPECT_EQ(with_schedule["optimizer"]["config"]["learning_rate"]["class_name"], "ExponentialDecay");
  EXPECT_EQ(Json::parse(models::model_from_json(scheduled.to_json()).to_json())["compile_config"], with_schedule);
}

// ---- damaged and hostile files ----

namespace {

// A .keras archive with this config.json (and the weights of a tiny model).
void write_archive(const std::string& path, const std::string& config, const std::string& extra_name = "",
                   const std::string& weights_override = "\x01") {
  Sequential tiny({Input(shape = {2}), layers::Dense(1)});
  const std::string tmp = path + ".src.keras";
  tiny.save(tmp);
  auto zip = saving::detail::read_zip(tmp, {"model.weights.h5"}, {}, tmp);
  std::vector<std::pair<std::string, std::string>> entries = {
      {"metadata.json", R"({"keras_version": "3.6.0", "date_saved": "2025-01-01@00:00:00"})"},
      {"config.json", config},
      {"model.weights.h5", weights_override == "\x01" ? zip.entries.at("model.weights.h5") : weights_override}};
  if (!extra_name.empty()) entries.emplace_back(extra_name, "x");
  saving::detail::write_zip(path, entries);
}

const char* kTinyConfig = R"({"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
  {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 2], "name": "in"}},
  {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 1}}]}})";

}  // namespace

TEST(SavingErrors, HandWrittenConfigLoads) {
  ScratchDir dir;
  write_archive(dir / "ok.keras", kTinyConfig);
  Model m = saving::load_model(dir / "ok.keras");
  EXPECT_EQ(m.get_layer("d").get_weights()[0].dims(), (std::vector<int64_t>{2, 1}));
}

TEST(SavingErrors, DamagedArchivesAreValueErrors) {
  ScratchDir dir;
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "missing.keras"), ValueError, "File not found");
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "legacy.h5"), ValueError, "File not found");
  write_bytes(dir / "text.keras", "this is not a zip file at all");
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "text.keras"), ValueError, "is not a zip archive");
  write_bytes(dir / "empty.keras", "");
  EXPECT_THROW(saving::load_model(dir / "empty.keras"), ValueError);

  // Truncations of a real archive, at many lengths: always a ValueError.
  Model good = every_merge_functional();
  good.save(dir / "good.keras");
  const std::string bytes = read_text(dir / "good.keras");
  for (size_t len : {size_t{4}, size_t{30}, size_t{100}, bytes.size() / 3, bytes.size() / 2, bytes.size() - 30,
                     bytes.size() - 1}) {
    write_bytes(dir / "cut.keras", bytes.substr(0, len));
    EXPECT_THROW(saving::load_model(dir / "cut.keras"), ValueError) << "length " << len;
    EXPECT_THROW(good.load_weights(dir / "cut.keras"), ValueError) << "length " << len;
  }
  // Flipped bytes anywhere: a ValueError or, where the byte did not matter, a model; never a crash.
  for (size_t pos = 0; pos < bytes.size(); pos += bytes.size() / 43 + 1) {
    std::string bad = bytes;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x5a);
    write_bytes(dir / "flip.keras", bad);
    try {
      saving::load_model(dir / "flip.keras");
    } catch (const ValueError&) {
    } catch (const NotImplementedError&) {
    }
  }
}

TEST(SavingErrors, BadConfigsNameTheProblemAndTheFile) {
  ScratchDir dir;
  write_archive(dir / "json.keras", "{\"module\": \"keras\", \"class_na");
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "json.keras"), ValueError, "Invalid JSON", "json.keras",
                          "config.json");
  std::string unknown = kTinyConfig;
  unknown.replace(unknown.find("\"Dense\""), 7, "\"Conv9D\"");
  write_archive(dir / "unknown.keras", unknown);
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "unknown.keras"), ValueError, "Unknown layer: 'Conv9D'",
                          "unknown.keras");
  std::string constrained = kTinyConfig;
  constrained.replace(constrained.find("\"units\": 1"), 10,
                      R"("units": 1, "kernel_constraint": {"class_name": "RadialConstraint", "config": {}})");
  write_archive(dir / "constraint.keras", constrained);
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "constraint.keras"), ValueError,
                          "Could not interpret constraint identifier: RadialConstraint", "layer 'd' (Dense)",
                          "constraint.keras");
  std::string odd_key = kTinyConfig;
  odd_key.replace(odd_key.find("\"units\": 1"), 10, R"("units": 1, "frobnicate": true)");
  write_archive(dir / "key.keras", odd_key);
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "key.keras"), ValueError,
                          "Unrecognized keyword arguments passed to Dense", "frobnicate");
  std::string wrong_type = kTinyConfig;
  wrong_type.replace(wrong_type.find("\"units\": 1"), 10, R"("units": "many")");
  write_archive(dir / "type.keras", wrong_type);
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "type.keras"), ValueError, "units", "an integer");
  std::string deep(100000, '[');
  write_archive(dir / "deep.keras", deep);
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "deep.keras"), ValueError, "nested too deeply");
  std::string custom = kTinyConfig;
  custom.replace(custom.find("\"Dense\""), 7, R"("MyDense", "registered_name": "pkg>MyDense")");
  write_archive(dir / "custom.keras", custom);
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "custom.keras"), ValueError, "MyDense", "custom objects");
  std::string graph = R"({"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "f",
    "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 2], "name": "in"},
                "name": "in", "inbound_nodes": []},
               {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 1}, "name": "d",
                "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
                                   "config": {"keras_history": ["nowhere", 0, 0]}}], "kwargs": {}}]}],
    "input_layers": [["in", 0, 0]], "output_layers": [["d", 0, 0]]}})";
  write_archive(dir / "graph.keras", graph);
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "graph.keras"), ValueError, "Unknown layer: nowhere");
}

TEST(SavingErrors, HostileArchiveEntries) {
  ScratchDir dir;
  write_archive(dir / "evil.keras", kTinyConfig, "../../evil.txt");
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "evil.keras"), ValueError, "unsafe name");
  write_archive(dir / "abs.keras", kTinyConfig, "/etc/evil");
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "abs.keras"), ValueError, "unsafe name");
  EXPECT_FALSE(std::filesystem::exists(dir.path().parent_path() / "evil.txt"));
  write_archive(dir / "noweights.keras", kTinyConfig, "", "");
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "noweights.keras"), ValueError, "model.weights.h5");
  write_archive(dir / "junkweights.keras", kTinyConfig, "", "not hdf5 at all");
  EXPECT_THROW_CONTAINING(saving::load_model(dir / "junkweights.keras"), ValueError, "HDF5");
}

TEST(SavingErrors, DamagedWeightFiles) {
  ScratchDir dir;
  Sequential model({Input(shape = {4}), layers::Dense(3), layers::Dense(2)});
  model.save_weights(dir / "w.weights.h5");
  const std::string bytes = read_text(dir / "w.weights.h5");
  Tensor before = model.get_weights()[0];
  for (size_t len : {size_t{0}, size_t{8}, size_t{100}, size_t{600}, bytes.size() / 2, bytes.size() - 8}) {
    write_bytes(dir / "cut.weights.h5", bytes.substr(0, len));
    EXPECT_THROW(model.load_weights(dir / "cut.weights.h5"), ValueError) << "length " << len;
  }
  for (size_t pos = 0; pos < bytes.size(); pos += bytes.size() / 37 + 1) {
    std::string bad = bytes;
    bad[pos] = static_cast<char>(bad[pos] ^ 0xff);
    write_bytes(dir / "flip.weights.h5", bad);
    try {
      model.load_weights(dir / "flip.weights.h5");
    } catch (const ValueError&) {
    }
  }
  // The weights file of another architecture.
  Sequential other({Input(shape = {4}), layers::Dense(2)});
  other.save_weights(dir / "other.weights.h5");
  EXPECT_THROW(model.load_weights(dir / "other.weights.h5"), ValueError);
}

// ---- files and configs Keras wrote ----

TEST(SavingKerasFiles, Keras31ConfigAndWeightsStore) {
  // k3_mnist_cnn.keras (Keras 3.1.1): plain-string dtypes, no `name` attributes on the vars groups. Its head
  // (Flatten, Dropout, Dense) is rebuilt from its own config entries and loaded from its own weights store.
  const std::string path = std::string(KERASPP_SHARED_DIR) + "/fixtures/keras/k3_mnist_cnn.keras";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture missing: " << path;
  auto zip = saving::detail::read_zip(path, {"config.json", "model.weights.h5"}, {}, path);
  Json config = Json::parse(zip.entries.at("config.json"));
  Json& layers_json = config["config"]["layers"];
  Json head = Json::array();
  head.push_back(layers_json[0]);
  head[0]["config"]["batch_shape"] = Json::parse("[null, 5, 5, 64]");
  for (const Json& l : layers_json)
    if (l["class_name"] == "Flatten" || l["class_name"] == "Dropout" || l["class_name"] == "Dense") head.push_back(l);
  ASSERT_EQ(head.size(), 4u);
  layers_json = head;
  config["config"]["build_input_shape"] = Json::parse("[null, 5, 5, 64]");
  config["build_config"]["input_shape"] = Json::parse("[null, 5, 5, 64]");
  Model model = models::model_from_json(config.dump());
  EXPECT_TRUE(model.compiled());  // compile_config: "adam", "categorical_crossentropy", ["accuracy"]
  EXPECT_EQ(model.optimizer()->class_name(), "Adam");
  {
    keras::test_support::CaptureStream err(std::cerr);  // the optimizer state belongs to the whole model: skipped
    model.load_weights(path);
    EXPECT_NE(err.str().find("Skipping variable loading for optimizer 'adam'"), std::string::npos) << err.str();
  }
  saving::detail::H5Reader r(zip.entries.at("model.weights.h5"), "k3_mnist_cnn");
  Tensor kernel = r.read_var("layers/dense", 0, {1600, 10});
  EXPECT_EQ(max_abs_diff(model.get_layer("dense").get_weights()[0], kernel), 0.0f);
  EXPECT_EQ(model.predict(Tensor::zeros({1, 5, 5, 64}), verbose = 0).shape(), (Shape{1, 10}));
}

TEST(SavingKerasFiles, Keras2FunctionalJson) {
  // tf.keras 2.x to_json(): class "Model"/"Functional" without module, list-style nodes, batch_input_shape.
  const std::string text = R"({"class_name": "Functional", "config": {"name": "model", "layers": [
      {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3], "dtype": "float32", "sparse": false,
       "ragged": false, "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
      {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32", "units": 2,
       "activation": "relu", "use_bias": true,
       "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
       "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
       "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null},
       "name": "dense", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
      {"class_name": "Add", "config": {"name": "add", "trainable": true, "dtype": "float32"}, "name": "add",
       "inbound_nodes": [[["dense", 0, 0, {}], ["dense", 0, 0, {}]]]}],
      "input_layers": [["input_1", 0, 0]], "output_layers": [["add", 0, 0]]},
      "keras_version": "2.11.0", "backend": "tensorflow"})";
  Model model = models::model_from_json(text);
  EXPECT_EQ(model.name(), "model");
  EXPECT_EQ(model.output_shape(), (Shape{None, 2}));
  EXPECT_EQ(model.count_params(), 8);
}
