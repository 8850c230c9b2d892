// callbacks::TensorBoard: the event files fit() and evaluate() leave, read back frame by frame (the reader checks
// both checksums of every record): the directories and file names, Keras 3's tags and steps, the values fit reports,
// batch-level logging, histograms, weight images, the model's JSON, the projector config, and the argument errors.
#include <gtest/gtest.h>

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "support/event_file_reader.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::ScratchDir;
namespace ev = keras::test_support::event_files;

namespace {
namespace tbt {

// Fresh layer names (dense, dense_1) for every test.
Sequential small_model() {
  utils::clear_session();
  utils::set_random_seed(3);
  Sequential m({Input(shape = {4}), layers::Dense(6, activation = "relu"), layers::Dense(3, activation = "softmax")});
  m.compile(optimizer = optimizers::SGD(0.05), loss = "sparse_categorical_crossentropy", metrics = {"accuracy"});
  return m;
}

struct Data {
  Tensor x, y;
};
Data data() {
  utils::set_random_seed(8);
  return {random::normal({40, 4}), random::randint(0, 3, {40})};
}

// The events of the only event file in `dir`.
std::vector<ev::Event> only_file(const std::string& dir) {
  const auto files = ev::event_files_in(dir);
  EXPECT_EQ(files.size(), 1u) << dir;
  return files.empty() ? std::vector<ev::Event>{} : ev::read_events(files.front());
}

std::vector<int64_t> steps_of(const std::vector<ev::Event>& events) {
  std::vector<int64_t> steps;
  for (const auto& e : events) steps.push_back(e.step);
  return steps;
}

}  // namespace tbt
}  // namespace

TEST(TensorBoard, DefaultsAndKeywordsAreKeras) {
  callbacks::TensorBoard tb;
  EXPECT_EQ(tb.log_dir, "logs");
  EXPECT_EQ(tb.histogram_freq, 0);
  EXPECT_TRUE(tb.write_graph);
  EXPECT_FALSE(tb.write_images);
  EXPECT_FALSE(tb.write_steps_per_second);
  EXPECT_FALSE(tb.update_freq.has_value());  // "epoch"
  EXPECT_EQ(tb.embeddings_freq, 0);
  EXPECT_EQ(callbacks::TensorBoard("runs", update_freq = "batch").update_freq, 1);
  EXPECT_EQ(callbacks::TensorBoard(update_freq = 100).update_freq, 100);
  EXPECT_EQ(callbacks::TensorBoard(log_dir = "x", histogram_freq = 2).histogram_freq, 2);
  EXPECT_EQ(callbacks::TensorBoard("runs").train_dir(), "runs/train");
  EXPECT_EQ(callbacks::TensorBoard("runs").validation_dir(), "runs/validation");
}

TEST(TensorBoard, RefusesWhatKerasCannotDoHere) {
  std::string m = message_of([] { callbacks::TensorBoard(profile_batch = 5); });
  EXPECT_NE(m.find("Profiling is not yet available with the keraspp backend. Received: profile_batch=5 (must be 0)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Hint: "), std::string::npos);
  m = message_of([] { callbacks::TensorBoard(update_freq = "often"); });
  EXPECT_NE(m.find("Unrecognized update_freq: often. Expected 'batch', 'epoch' or an integer value."),
            std::string::npos)
      << m;
  m = message_of([] { callbacks::TensorBoard(update_freq = 0); });
  EXPECT_NE(m.find("Unrecognized update_freq: 0"), std::string::npos) << m;
  m = message_of([] { callbacks::TensorBoard(histogram_freq = -1); });
  EXPECT_NE(m.find("Invalid value for argument `histogram_freq`: -1"), std::string::npos) << m;
}

TEST(TensorBoard, FitWritesKerasEpochSummariesForTrainingAndValidation) {
  ScratchDir dir;
  const std::string logs = dir / "logs";
  tbt::Data d = tbt::data();
  Sequential model = tbt::small_model();
  History h = model.fit(d.x, d.y, epochs = 3, batch_size = 8, validation_split = 0.25, verbose = 0,
                        callbacks = {callbacks::TensorBoard(logs)});

  // TensorFlow's names: events.out.tfevents.<10-digit seconds>.<host>.<pid>.<n>.v2
  const auto files = ev::event_files_in(logs + "/train");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(std::regex_match(std::filesystem::path(files[0]).filename().string(),
                               std::regex(R"(events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+\.v2)")))
      << files[0];

  const auto train = tbt::only_file(logs + "/train");
  ASSERT_FALSE(train.empty());
  EXPECT_EQ(train[0].file_version, "brain.Event:2");
  EXPECT_EQ(train[0].wall_time, std::floor(train[0].wall_time));  // whole seconds, as TensorFlow stamps it
  auto tags = ev::by_tag(train);
  // The model's config for the graph view (write_graph=true), at step 0.
  ASSERT_EQ(tags["keras"].size(), 1u);
  EXPECT_EQ(tags["keras"][0].strings, (std::vector<std::string>{model.to_json()}));
  EXPECT_EQ(tags["keras"][0].plugin_name, "graph_keras_model");
  EXPECT_EQ(tags["keras"][0].plugin_content, "1");
  // epoch_<log> at steps 0, 1, 2 with fit's values (as float32), plus the learning rate.
  for (const std::string name : {"loss", "accuracy"}) {
    const auto& events = tags["epoch_" + name];
    ASSERT_EQ(events.size(), 3u) << name;
    EXPECT_EQ(tbt::steps_of(events), (std::vector<int64_t>{0, 1, 2}));
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(events[i].scalar(), static_cast<float>(h.history[name][i])) << name;
    EXPECT_EQ(events[0].plugin_name, "scalars");
    EXPECT_EQ(events[0].dtype, 1);
    EXPECT_TRUE(events[0].shape.empty());
  }
  ASSERT_EQ(tags["epoch_learning_rate"].size(), 3u);
  EXPECT_EQ(tags["epoch_learning_rate"][0].scalar(), 0.05f);
  EXPECT_EQ(tags.count("epoch_val_loss"), 0u);
  EXPECT_EQ(tags.count("batch_loss"), 0u);  // update_freq="epoch"

  // Validation: the "val_" logs without the prefix, and evaluation_<name>_vs_iterations at the optimizer's step
  // (30 training rows in batches of 8: 4 steps an epoch).
  auto val = ev::by_tag(tbt::only_file(logs + "/validation"));
  ASSERT_EQ(val["epoch_loss"].size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(val["epoch_loss"][i].scalar(), static_cast<float>(h.history["val_loss"][i]));
  EXPECT_EQ(tbt::steps_of(val["epoch_accuracy"]), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(tbt::steps_of(val["evaluation_loss_vs_iterations"]), (std::vector<int64_t>{4, 8, 12}));
  EXPECT_EQ(val["evaluation_accuracy_vs_iterations"][2].scalar(), static_cast<float>(h.history["val_accuracy"][2]));
  EXPECT_EQ(val.count("epoch_learning_rate"), 0u);
}

TEST(TensorBoard, EvaluateWritesEvaluationSummariesAtTheOptimizerStep) {
  ScratchDir dir;
  tbt::Data d = tbt::data();
  Sequential model = tbt::small_model();
  model.fit(d.x, d.y, epochs = 1, batch_size = 10, verbose = 0);
  const double loss = model.evaluate(d.x, d.y, verbose = 0)[0];
  callbacks::TensorBoard tb(dir / "logs");
  model.evaluate(d.x, d.y, verbose = 0, callbacks = {tb});
  auto val = ev::by_tag(tbt::only_file(dir / "logs/validation"));
  ASSERT_EQ(val["evaluation_loss_vs_iterations"].size(), 1u);
  EXPECT_EQ(val["evaluation_loss_vs_iterations"][0].step, 4);
  EXPECT_EQ(val["evaluation_loss_vs_iterations"][0].scalar(), static_cast<float>(loss));
  EXPECT_FALSE(std::filesystem::exists(dir / "logs/train"));  // nothing trained, nothing written there
}

TEST(TensorBoard, UpdateFreqLogsEveryNthBatchAndStepsPerSecond) {
  ScratchDir dir;
  tbt::Data d = tbt::data();
  Sequential model = tbt::small_model();
  std::vector<double> batch_losses;
  auto record = callbacks::LambdaCallback(on_train_batch_end = [&](int, Logs& logs) {
    batch_losses.push_back(logs.at("loss"));
  });
  model.fit(d.x, d.y, epochs = 2, batch_size = 8, verbose = 0,
            callbacks = {callbacks::TensorBoard(dir / "logs", update_freq = 2, write_steps_per_second = true), record});
  auto train = ev::by_tag(tbt::only_file(dir / "logs/train"));
  // 5 batches an epoch: the batch count runs on across epochs (1..10), every second one is written.
  EXPECT_EQ(tbt::steps_of(train["batch_loss"]), (std::vector<int64_t>{2, 4, 6, 8, 10}));
  ASSERT_EQ(batch_losses.size(), 10u);
  EXPECT_EQ(train["batch_loss"][2].scalar(), static_cast<float>(batch_losses[5]));
  EXPECT_EQ(train["batch_accuracy"].size(), 5u);
  EXPECT_EQ(train["batch_steps_per_second"].size(), 5u);
  EXPECT_GT(train["batch_steps_per_second"][0].scalar(), 0.0f);
  ASSERT_EQ(train["epoch_steps_per_second"].size(), 2u);
  EXPECT_GT(train["epoch_steps_per_second"][1].scalar(), 0.0f);
}

TEST(TensorBoard, HistogramsAndImagesOfEveryWeight) {
  ScratchDir dir;
  tbt::Data d = tbt::data();
  Sequential model = tbt::small_model();
  model.fit(d.x, d.y, epochs = 3, batch_size = 8, verbose = 0,
            callbacks = {callbacks::TensorBoard(dir / "logs", histogram_freq = 2, write_images = true,
                                                write_graph = false)});
  auto train = ev::by_tag(tbt::only_file(dir / "logs/train"));
  EXPECT_EQ(train.count("keras"), 0u);
  for (const std::string tag : {"dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"}) {
    ASSERT_EQ(tbt::steps_of(train[tag + "/histogram"]), (std::vector<int64_t>{0, 2})) << tag;
    ASSERT_EQ(train[tag + "/image"].size(), 2u) << tag;
  }
  // The last histogram is of the final weights: 30 buckets from their minimum to their maximum, every value counted.
  const Tensor kernel = model.layers()[1].get_weights()[0];  // dense_1: (6, 3)
  const auto& h = train["dense_1/kernel/histogram"][1];
  EXPECT_EQ(h.plugin_name, "histograms");
  EXPECT_EQ(h.shape, (std::vector<int64_t>{30, 3}));
  const auto rows = h.doubles();
  const auto [lo, hi] = std::minmax_element(kernel.data(), kernel.data() + kernel.size());
  EXPECT_EQ(rows[0], static_cast<double>(*lo));
  EXPECT_EQ(rows[29 * 3 + 1], static_cast<double>(*hi));
  double counted = 0;
  for (size_t i = 0; i < 30; ++i) counted += rows[i * 3 + 2];
  EXPECT_EQ(counted, 18.0);

  // The kernel (6, 3) is taller than wide: Keras transposes it to one 3 x 6 image, pixels x * 255.5 clipped.
  const auto& image = train["dense_1/kernel/image"][1];
  EXPECT_EQ(image.plugin_name, "images");
  ASSERT_EQ(image.strings.size(), 3u);
  EXPECT_EQ(image.strings[0], "6");  // width
  EXPECT_EQ(image.strings[1], "3");  // height
  const std::string& png = image.strings[2];
  ASSERT_EQ(png.substr(12, 4), "IHDR");
  const uint32_t idat_length = (static_cast<uint32_t>(static_cast<unsigned char>(png[33])) << 24) |
                               (static_cast<uint32_t>(static_cast<unsigned char>(png[34])) << 16) |
                               (static_cast<uint32_t>(static_cast<unsigned char>(png[35])) << 8) |
                               static_cast<uint32_t>(static_cast<unsigned char>(png[36]));
  ASSERT_EQ(png.substr(37, 4), "IDAT");
  std::vector<Bytef> raw(3 * 7);
  uLongf raw_size = raw.size();
  ASSERT_EQ(::uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(png.data() + 41), idat_length), Z_OK);
  ASSERT_EQ(raw_size, 21u);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 6; ++c) {
      const double x = std::clamp(static_cast<double>(kernel.data()[c * 3 + r]) * 255.5, 0.0, 255.0);
      EXPECT_EQ(raw[static_cast<size_t>(r * 7 + 1 + c)], static_cast<Bytef>(x)) << r << "," << c;
    }
}

TEST(TensorBoard, EveryFitOpensNewEventFiles) {
  ScratchDir dir;
  tbt::Data d = tbt::data();
  Sequential model = tbt::small_model();
  callbacks::TensorBoard tb(dir / "logs");
  model.fit(d.x, d.y, epochs = 1, verbose = 0, callbacks = {tb});
  model.fit(d.x, d.y, epochs = 2, initial_epoch = 1, verbose = 0, callbacks = {tb});
  const auto files = ev::event_files_in(dir / "logs/train");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(tbt::steps_of(ev::by_tag(ev::read_events(files[0]))["epoch_loss"]), (std::vector<int64_t>{0}));
  EXPECT_EQ(tbt::steps_of(ev::by_tag(ev::read_events(files[1]))["epoch_loss"]), (std::vector<int64_t>{1}));
}

TEST(TensorBoard, EmbeddingsAreSavedWithAProjectorConfig) {
  ScratchDir dir;
  utils::set_random_seed(4);
  Sequential model({Input(shape = {3}), layers::Embedding(10, 4, name = "words"), layers::Flatten(),
                    layers::Dense(1)});
  model.compile(optimizer = "sgd", loss = "mse");
  Tensor x = random::randint(0, 10, {8, 3}), y = random::normal({8, 1});
  model.fit(x, y, epochs = 2, verbose = 0,
            callbacks = {callbacks::TensorBoard(dir / "logs", embeddings_freq = 1,
                                                embeddings_metadata = std::map<std::string, std::string>{
                                                    {"words", "vocab.tsv"}})});
  EXPECT_EQ(test_support::read_text(dir / "logs/projector_config.pbtxt"),
            "embeddings {\n"
            "  tensor_name: \"layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE\"\n"
            "  metadata_path: \"vocab.tsv\"\n"
            "}\n");
  for (const std::string epoch : {"0", "1"}) {
    const std::string saved = dir / ("logs/train/keras_embedding.ckpt-" + epoch + ".weights.h5");
    ASSERT_TRUE(std::filesystem::exists(saved));
    Sequential copy = Sequential({Input(shape = {3}), layers::Embedding(10, 4), layers::Flatten(), layers::Dense(1)});
    copy.load_weights(saved);
  }
  std::string m = message_of([&] {
    model.fit(x, y, epochs = 1, verbose = 0,
              callbacks = {callbacks::TensorBoard(dir / "logs2", embeddings_freq = 1,
                                                  embeddings_metadata = std::map<std::string, std::string>{
                                                      {"word", "vocab.tsv"}})});
  });
  EXPECT_NE(m.find("Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                   "`embeddings_metadata` argument: dict_keys(['word'])"),
            std::string::npos)
      << m;
}

TEST(TensorBoard, AnUnwritableLogDirIsAValueError) {
  ScratchDir dir;
  std::ofstream(dir / "file") << "not a directory";
  tbt::Data d = tbt::data();
  Sequential model = tbt::small_model();
  const std::string m = message_of([&] {
    model.fit(d.x, d.y, epochs = 1, verbose = 0, callbacks = {callbacks::TensorBoard(dir / "file/logs")});
  });
  EXPECT_NE(m.find("Could not create the TensorBoard event file"), std::string::npos) << m;
  EXPECT_NE(m.find("Hint: check that log_dir is a directory you can write to."), std::string::npos) << m;
}
