// IntegerLookup: Keras's docstring and test-file values (integer_lookup_test.py, index_lookup_test.py's integer
// cases), cases derived from a numpy port of Keras's code, Keras's argument and call errors, the vocabulary in
// configs and as vocabulary.txt in a .keras archive, and a model trained through it.
#include "keras/layers/preprocessing/integer_lookup.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/zip_archive.hpp"
#include "support/saving_helpers.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::T;

namespace {
namespace integer_lookup_test {

using Ids = std::vector<int64_t>;
using Values = std::vector<float>;

const Ids kVocab{12, 36, 1138, 42};

}  // namespace integer_lookup_test
}  // namespace

using integer_lookup_test::Ids;
using integer_lookup_test::kVocab;
using integer_lookup_test::Values;

TEST(IntegerLookup, KerasDocstringExamples) {
  const Tensor data = T({12, 1138, 42, 42, 1000, 36}, {2, 3});
  Tensor ids = layers::IntegerLookup(vocabulary = kVocab)(data);
  EXPECT_EQ(ids.to_vector(), (Values{1, 3, 4, 4, 0, 2}));
  EXPECT_EQ(ids.dtype(), "int64");
  layers::IntegerLookup adapted;
  adapted.adapt(data);
  EXPECT_EQ(adapted.get_vocabulary(), (Ids{-1, 42, 1138, 1000, 36, 12}));
  EXPECT_EQ(adapted(data).to_vector(), (Values{5, 2, 1, 1, 3, 4}));
  EXPECT_EQ(layers::IntegerLookup(vocabulary = kVocab, num_oov_indices = 2)(T({12, 1138, 42, 37, 1000, 36}, {2, 3}))
                .to_vector(),
            (Values{2, 4, 5, 1, 0, 3}));
  Tensor one_hot = layers::IntegerLookup(vocabulary = kVocab, output_mode = "one_hot")(T({12, 36, 1138, 42, 7}, {5}));
  EXPECT_EQ(one_hot.dims(), (Ids{5, 5}));
  EXPECT_EQ(one_hot.to_vector(), (Values{0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(one_hot.dtype(), "int64");
  const Tensor pairs = T({12, 1138, 42, 42, 42, 7, 36, 7}, {2, 4});
  EXPECT_EQ(layers::IntegerLookup(vocabulary = kVocab, output_mode = "multi_hot")(pairs).to_vector(),
            (Values{0, 1, 0, 1, 1, 1, 0, 1, 0, 1}));
  EXPECT_EQ(layers::IntegerLookup(vocabulary = kVocab, output_mode = "count")(pairs).to_vector(),
            (Values{0, 1, 0, 1, 2, 2, 0, 1, 0, 1}));
  Tensor tf_idf = layers::IntegerLookup(output_mode = "tf_idf", vocabulary = kVocab,
                                        idf_weights = std::vector<double>{0.25, 0.75, 0.6, 0.4})(pairs);
  test_support::expect_near_values(tf_idf, {0, 0.25, 0, 0.6, 0.8, 1.0, 0, 0.75, 0, 0.4}, 1e-6);
  EXPECT_EQ(tf_idf.dtype(), "float32");
  test_support::expect_near_values(
      layers::IntegerLookup(output_mode = "tf_idf", vocabulary = Ids{-1, 12, 36, 1138, 42},
                            idf_weights = std::vector<double>{0.9, 0.25, 0.75, 0.6, 0.4})(pairs),
      {0, 0.25, 0, 0.6, 0.8, 1.8, 0, 0.75, 0, 0.4}, 1e-6);
  layers::IntegerLookup forward(vocabulary = kVocab);
  EXPECT_EQ(forward.get_vocabulary(), (Ids{-1, 12, 36, 1138, 42}));
  layers::IntegerLookup inverse(vocabulary = forward.get_vocabulary(), invert = true);
  EXPECT_EQ(inverse(T({1, 3, 4, 4, 0, 2}, {2, 3})).to_vector(), (Values{12, 1138, 42, 42, -1, 36}));
  EXPECT_EQ(inverse(forward(data)).to_vector(), (Values{12, 1138, 42, 42, -1, 36}));
}

TEST(IntegerLookup, KerasTestFileValues) {
  const Tensor adapt_data = T({1, 1, 1, 2, 2, 3}, {6});
  auto adapted = [&](const char* mode) {
    layers::IntegerLookup layer(output_mode = mode);
    layer.adapt(adapt_data);
    return layer;
  };
  EXPECT_EQ(adapted("int").get_vocabulary(), (Ids{-1, 1, 2, 3}));
  EXPECT_EQ(adapted("int")(T({1, 2, 4}, {3})).to_vector(), (Values{1, 2, 0}));
  EXPECT_EQ(adapted("int")(T({1, 2, 4, 2, 3, 5}, {2, 3})).to_vector(), (Values{1, 2, 0, 2, 3, 0}));
  EXPECT_EQ(adapted("one_hot")(T({1, 2, 4}, {3})).to_vector(), (Values{0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0}));
  EXPECT_EQ(adapted("multi_hot")(T({1, 2, 4}, {3})).to_vector(), (Values{1, 1, 1, 0}));
  test_support::expect_near_values(adapted("tf_idf")(T({1, 2, 4}, {3})), {1.133732, 0.916291, 1.098612, 0.0}, 1e-6);
  EXPECT_EQ(adapted("count")(T({1, 2, 3, 4, 1, 2, 1}, {7})).to_vector(), (Values{1, 3, 2, 1}));
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3, 4})(T({2, 3, 4, 5}, {4})).to_vector(),
            (Values{2, 3, 4, 0}));
  layers::IntegerLookup later;
  later.set_vocabulary({1, 2, 3, 4});
  EXPECT_EQ(later(T({2, 3, 4, 5}, {4})).to_vector(), (Values{2, 3, 4, 0}));
  // Higher-rank inputs: one_hot adds an axis; multi_hot, count and tf_idf reduce axis 1.
  const Tensor square = T({1, 2, 3, 0}, {2, 2});
  Tensor hot = layers::IntegerLookup(vocabulary = Ids{1, 2, 3}, output_mode = "one_hot")(square);
  EXPECT_EQ(hot.dims(), (Ids{2, 2, 4}));
  EXPECT_EQ(hot.to_vector(), (Values{0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0}));
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3}, output_mode = "one_hot")(square.reshape({1, 2, 2})).dims(),
            (Ids{1, 2, 2, 4}));
  for (const char* mode : {"multi_hot", "count"})
    EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3}, output_mode = mode)(square).to_vector(),
              (Values{0, 1, 1, 0, 1, 0, 0, 1}));
  // The symbolic shapes agree with the outputs.
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3}, output_mode = "one_hot")(Input(shape = {3, 4})).shape(),
            (Shape{None, 3, 4, 4}));
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3}, output_mode = "multi_hot")(Input(shape = {5})).shape(),
            (Shape{None, 4}));
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3})(Input(shape = {5})).shape(), (Shape{None, 5}));
}

TEST(IntegerLookup, MaskOovSlotsAndPadding) {
  // index_lookup_test.py's integer cases.
  layers::IntegerLookup masked(max_tokens = 7, mask_token = 0);
  masked.adapt(T({1, 1, 1, 2, 2, 3}, {6}));
  EXPECT_EQ(masked.get_vocabulary(), (Ids{0, -1, 1, 2, 3}));
  EXPECT_EQ(masked.get_vocabulary(false), (Ids{1, 2, 3}));
  EXPECT_EQ(masked(T({1, 2, 4}, {3})).to_vector(), (Values{2, 3, 1}));
  EXPECT_EQ(layers::IntegerLookup(max_tokens = 7, mask_token = 0, vocabulary = Ids{0, -1, 1, 2, 3}).get_vocabulary(),
            (Ids{0, -1, 1, 2, 3}));
  layers::IntegerLookup capped(max_tokens = 4, mask_token = 0);
  capped.adapt(T({1, 1, 1, 2, 2, 3}, {6}));
  EXPECT_EQ(capped.get_vocabulary(), (Ids{0, -1, 1, 2}));
  EXPECT_EQ(capped(T({1, 2, 3, 4}, {4})).to_vector(), (Values{2, 3, 1, 1}));
  EXPECT_EQ(layers::IntegerLookup(max_tokens = 5, mask_token = 0, vocabulary = Ids{1, 2}, pad_to_max_tokens = true,
                                  output_mode = "multi_hot")(T({1, 2}, {2}))
                .to_vector(),
            (Values{0, 1, 1, 0, 0}));
  // Two OOV slots: an unknown id goes to floormod(id, 2) after the mask.
  layers::IntegerLookup slots(mask_token = 0, num_oov_indices = 2, vocabulary = Ids{10, 20});
  EXPECT_EQ(slots.get_vocabulary(), (Ids{0, -1, -1, 10, 20}));
  EXPECT_EQ(slots(T({0, 10, 20, 7, 8, -3}, {6})).to_vector(), (Values{0, 3, 4, 2, 1, 2}));
  // Encoded modes give the mask no slot and drop mask ids.
  layers::IntegerLookup hot(mask_token = 0, output_mode = "multi_hot", vocabulary = Ids{5, 6});
  EXPECT_EQ(hot.vocabulary_size(), 3);
  EXPECT_EQ(hot.get_vocabulary(), (Ids{-1, 5, 6}));
  EXPECT_EQ(hot(T({0, 5, 0, 9, 0, 0}, {2, 3})).to_vector(), (Values{0, 1, 0, 1, 0, 0}));
  EXPECT_EQ(layers::IntegerLookup(mask_token = 0, output_mode = "count", vocabulary = Ids{5, 6})(
                T({0, 5, 5, 9, 0, 0}, {2, 3}))
                .to_vector(),
            (Values{0, 2, 0, 1, 0, 0}));
  EXPECT_EQ(layers::IntegerLookup(mask_token = 0, output_mode = "one_hot", vocabulary = Ids{5, 6})(T({0, 5, 9}, {3}))
                .to_vector(),
            (Values{0, 0, 0, 0, 1, 0, 1, 0, 0}));
  // A trailing 1 goes in one_hot; a scalar is one sample.
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3}, output_mode = "one_hot")(T({1, 2, 7}, {3, 1})).dims(),
            (Ids{3, 4}));
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3}, output_mode = "one_hot")(Tensor::scalar(2)).dims(),
            (Ids{1, 4}));
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3}, output_mode = "multi_hot")(Tensor::scalar(2)).to_vector(),
            (Values{0, 0, 1, 0}));
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3})(Tensor::scalar(2)).dims(), (Ids{}));
  // Padded count and tf_idf.
  EXPECT_EQ(layers::IntegerLookup(output_mode = "count", vocabulary = Ids{1, 2}, max_tokens = 6,
                                  pad_to_max_tokens = true)(T({1, 1, 9, 2, 2, 2}, {2, 3}))
                .to_vector(),
            (Values{1, 2, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0}));
  test_support::expect_near_values(
      layers::IntegerLookup(output_mode = "tf_idf", vocabulary = Ids{1, 2}, idf_weights = std::vector<double>{0.5, 1.5},
                            max_tokens = 5, pad_to_max_tokens = true)(T({1, 9, 2, 2}, {1, 4})),
      {1.0, 0.5, 3.0, 0, 0}, 1e-6);
}

TEST(IntegerLookup, AdaptOrderAndSpecialTokens) {
  layers::IntegerLookup a;
  a.adapt(T({5, 3, 3, 9, 5, -2}, {6}));
  EXPECT_EQ(a.get_vocabulary(), (Ids{-1, 5, 3, 9, -2}));  // by count, ties by the larger id
  layers::IntegerLookup b;
  b.adapt(T({-1, -1, -1, 4, 4, 7}, {6}));
  EXPECT_EQ(b.get_vocabulary(), (Ids{-1, 4, 7}));  // the OOV token is never learned
  layers::IntegerLookup c(mask_token = 0);
  c.adapt(T({0, 0, 0, 5, 5, 6, 0, 0}, {2, 4}));
  EXPECT_EQ(c.get_vocabulary(), (Ids{0, -1, 5, 6}));
  EXPECT_EQ(c(T({0, 5, 6, 9}, {1, 4})).to_vector(), (Values{0, 2, 3, 1}));
  // tf_idf from rows as documents: idf = log(1 + documents / (1 + document count)), the OOV slot their mean.
  layers::IntegerLookup idf(output_mode = "tf_idf");
  idf.adapt(T({1, 1, 2, 2, 3, 3, 1, 4, 4}, {3, 3}));
  EXPECT_EQ(idf.get_vocabulary(), (Ids{-1, 1, 4, 3, 2}));
  test_support::expect_near_values(idf(T({1, 2, 9, 9}, {1, 4})), {1.6094379, 0.6931472, 0, 0, 0.6931472}, 1e-6);
  // A list of batches: a rank-1 batch is one document.
  layers::IntegerLookup batches(output_mode = "tf_idf");
  batches.adapt(std::vector<Tensor>{T({1, 1, 2}, {3}), T({2, 3}, {2})});
  EXPECT_EQ(batches.get_vocabulary(), (Ids{-1, 2, 1, 3}));
  test_support::expect_near_values(batches(T({2}, {1})), {0, 0.5108256, 0, 0}, 1e-6);  // log(1 + 2 / 3)
  // The layout Keras writes to vocabulary.txt for two OOV slots and a mask.
  layers::IntegerLookup set(mask_token = 0, num_oov_indices = 2);
  set.set_vocabulary({7, 8});
  EXPECT_EQ(set.get_vocabulary(), (Ids{0, -1, -1, 7, 8}));
  EXPECT_EQ(set.vocabulary_size(), 5);
  // test_config: an OOV token that is also a vocabulary entry.
  EXPECT_EQ(layers::IntegerLookup(vocabulary = Ids{1, 2, 3}, oov_token = 1, mask_token = 0).get_vocabulary(),
            (Ids{0, 1, 1, 2, 3}));
  // invert with a mask: index 0 is the mask, OOV and out-of-range indices the OOV token.
  layers::IntegerLookup inverse(invert = true, mask_token = 0, vocabulary = Ids{10, 20});
  EXPECT_EQ(inverse.get_vocabulary(), (Ids{0, -1, 10, 20}));
  EXPECT_EQ(inverse(T({0, 1, 2, 3, 4, -5}, {6})).to_vector(), (Values{0, -1, 10, 20, -1, -1}));
}

TEST(IntegerLookup, KerasErrors) {
  using test_support::expect_error_says;
  expect_error_says([] { layers::IntegerLookup(max_tokens = 1); },
              {"If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. Received: max_tokens=1",
               "Hint:"});
  expect_error_says([] { layers::IntegerLookup(num_oov_indices = -1); },
              {"The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. Received: num_oov_indices=-1"});
  expect_error_says([] { layers::IntegerLookup(vocabulary_dtype = "int32"); },
              {"Only `vocabulary_dtype='int64'` is supported at this time. Received: vocabulary_dtype=int32"});
  expect_error_says([] { layers::IntegerLookup(pad_to_max_tokens = true); },
              {"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None"});
  expect_error_says([] { layers::IntegerLookup(output_mode = "foo"); },
              {"Unknown value for `output_mode` argument of IntegerLookup. Allowed values are: ('int', 'one_hot', "
               "'multi_hot', 'count', 'tf_idf'). Received: output_mode=foo"});
  expect_error_says([] { layers::IntegerLookup(invert = true, output_mode = "one_hot"); },
              {"`output_mode` must be `'int'` when `invert` is true. Received: output_mode=one_hot"});
  expect_error_says([] { layers::IntegerLookup(idf_weights = std::vector<double>{0.5, 0.1, 0.3}); },
              {"`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: idf_weights=[0.5, 0.1, "
               "0.3] and output_mode=int"});
  expect_error_says([] { layers::IntegerLookup(output_mode = "tf_idf", vocabulary = Ids{1, 2}); },
              {"When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument must "
               "also be provided."});
  expect_error_says([] { layers::IntegerLookup(vocabulary = Ids{1, 2, 2, 3, 3}); },
              {"The passed vocabulary has at least one repeated term. Please uniquify your dataset. The repeated "
               "terms are: [2, 3]"});
  expect_error_says([] { layers::IntegerLookup(mask_token = 0, vocabulary = Ids{1, 0, 2}); },
              {"Found reserved mask token at unexpected location in `vocabulary`. Note that passed `vocabulary` does "
               "not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include them "
               "only at the start of the vocabulary in precisely this order: [0, -1]. Received: mask_token=0 at "
               "vocabulary index [1]"});
  expect_error_says([] { layers::IntegerLookup(invert = true, vocabulary = Ids{1, -1, 2}); },
              {"Found reserved OOV token at unexpected location", "order: [-1]. Received: oov_token=-1 at vocabulary "
                                                                  "index [1]"});
  expect_error_says([] { layers::IntegerLookup(max_tokens = 3, vocabulary = Ids{1, 2, 3}); },
              {"Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is 4; "
               "`max_tokens` is 3."});
  expect_error_says([] { layers::IntegerLookup(vocabulary = Ids{}); },
              {"Cannot set an empty vocabulary. Received: vocabulary=[]"});
  expect_error_says([] {
    layers::IntegerLookup(output_mode = "tf_idf", vocabulary = Ids{1, 2}, idf_weights = std::vector<double>{1.0});
  }, {"`idf_weights` must be the same length as vocabulary. len(idf_weights) is 1; len(vocabulary) is 2"});
  expect_error_says([] { layers::IntegerLookup(output_mode = "tf_idf").set_vocabulary({1, 2}); },
              {"`idf_weights` must be set if output_mode is 'tf_idf'."});
  expect_error_says([] { layers::IntegerLookup().set_vocabulary({1, 2}, {1.0, 2.0}); },
              {"`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: output_mode=int and "
               "idf_weights=[1.0, 2.0]"});
  expect_error_says([] { layers::IntegerLookup(vocabulary = Ids{1, 2}, name = "ids").adapt(T({1}, {1})); },
              {"Cannot adapt layer 'ids' after setting a static vocabulary via `vocabulary` argument or "
               "`set_vocabulary()` method."});
  expect_error_says([] { layers::IntegerLookup(output_mode = "multi_hot")(T({1}, {1})); },
              {"When using `output_mode=multi_hot` and `pad_to_max_tokens=False`, you must set the layer's vocabulary "
               "before calling it."});
  expect_error_says([] { layers::IntegerLookup(num_oov_indices = 0, vocabulary = Ids{1, 2})(T({1, 5}, {2})); },
              {"When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values [5], consider setting "
               "`num_oov_indices=1`."});
  expect_error_says([] {
    layers::IntegerLookup layer(output_mode = "multi_hot", vocabulary = Ids{1, 2});
    layer.set_vocabulary({1, 2, 3});
  }, {"the vocabulary size cannot be changed after the layer is called. Old vocab size is 3, new vocab size is 4"});
  expect_error_says([] { layers::IntegerLookup(sparse = true, output_mode = "multi_hot"); }, {"sparse"});
  expect_error_says([] { layers::IntegerLookup(vocabulary = Ids{1, 20000000}); },
              {"holds the id 20000000, which keraspp's float32 tensors cannot hold exactly", "Hint:"});
}

TEST(IntegerLookup, NoGradient) {
  layers::IntegerLookup layer(vocabulary = Ids{1, 2, 3});
  const Tensor x = T({1, 2, 9}, {1, 3});
  CallContext ctx;
  ctx.inputs = {x};
  ctx.outputs = layer.impl()->forward(ctx);
  const auto g = layer.impl()->backward(ctx, {Tensor::ones({1, 3})});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].to_vector(), (Values{0, 0, 0}));
  EXPECT_TRUE(layer.impl()->variables().empty());
}

TEST(IntegerLookup, SavesItsVocabularyAsKeras) {
  using nlohmann::ordered_json;
  // An adapted vocabulary travels as assets/layers/integer_lookup/vocabulary.txt; a given one in the config.
  utils::set_random_seed(3);
  auto in = Input(shape = {3});
  layers::IntegerLookup adapted_ids;
  adapted_ids.adapt(T({12, 1138, 42, 42, 1000, 36}, {2, 3}));
  layers::IntegerLookup given_ids(vocabulary = Ids{-1, 12, 36}, output_mode = "multi_hot");
  auto e = layers::Embedding(adapted_ids.vocabulary_size(), 2)(adapted_ids(in));
  auto h = layers::Concatenate()({layers::Flatten()(e), given_ids(in)});
  Model model(in, layers::Dense(1)(h));
  test_support::ScratchDir dir;
  model.save(dir / "m.keras");
  const auto zip = saving::detail::read_zip(dir / "m.keras",
                                            {"assets/layers/integer_lookup/vocabulary.txt", "config.json", "metadata.json",
                                             "model.weights.h5"},
                                            {}, "m");
  EXPECT_EQ(zip.entries.at("assets/layers/integer_lookup/vocabulary.txt"), "-1\n42\n1138\n1000\n36\n12");
  EXPECT_EQ(std::count_if(zip.names.begin(), zip.names.end(), [](const std::string& n) { return n.starts_with("assets/"); }),
            1);  // the given vocabulary is in the config only
  const auto config = ordered_json::parse(zip.entries.at("config.json"));
  const auto& layers_json = config["config"]["layers"];
  const auto& adapted_json = layers_json[1];
  EXPECT_EQ(adapted_json["class_name"], "IntegerLookup");
  EXPECT_EQ(test_support::keys_of(adapted_json["config"]),
            (std::vector<std::string>{"name", "trainable", "dtype", "invert", "max_tokens", "num_oov_indices",
                                      "oov_token", "mask_token", "output_mode", "sparse", "pad_to_max_tokens",
                                      "vocabulary_dtype", "idf_weights", "vocabulary", "vocabulary_size"}));
  EXPECT_TRUE(adapted_json["config"]["vocabulary"].is_null());
  EXPECT_EQ(adapted_json["config"]["vocabulary_size"], 6);
  EXPECT_EQ(adapted_json["build_config"], ordered_json::object());
  bool found_given = false;
  for (const auto& l : layers_json)
    if (l["config"]["name"] == given_ids.name()) {
      found_given = true;
      EXPECT_EQ(l["config"]["vocabulary"], ordered_json::parse("[-1, 12, 36]"));
      EXPECT_EQ(l["config"]["vocabulary_size"], 3);
    }
  EXPECT_TRUE(found_given);
  Model loaded = saving::load_model(dir / "m.keras");
  const Tensor x = T({12, 36, 7, 1138, 42, 1000}, {2, 3});
  EXPECT_EQ(loaded.predict(x, verbose = 0).to_vector(), model.predict(x, verbose = 0).to_vector());
  EXPECT_EQ(loaded.to_json(), model.to_json());
  // Without its vocabulary.txt the adapted layer cannot be rebuilt.
  saving::detail::write_zip(dir / "broken.keras", {{"metadata.json", zip.entries.at("metadata.json")},
                                                   {"config.json", zip.entries.at("config.json")},
                                                   {"model.weights.h5", zip.entries.at("model.weights.h5")}});
  test_support::expect_error_says([&] { saving::load_model(dir / "broken.keras"); },
                                   {"No such file or directory: 'assets/layers/integer_lookup/vocabulary.txt'"});
}

TEST(IntegerLookup, TrainsAnEmbeddingOfArbitraryIds) {
  // Ids far apart (a user id column): the lookup makes them embedding rows; the label depends on the id alone.
  utils::set_random_seed(4);
  const std::vector<float> pool{12, 36, 1138, 42, 90210, 7};
  Tensor x = Tensor::empty({240, 1}), y = Tensor::empty({240, 1});
  for (int64_t i = 0; i < 240; ++i) {
    x.data()[i] = pool[static_cast<size_t>(i % 6)];
    y.data()[i] = (i % 6 == 2 || i % 6 == 4) ? 1.0f : 0.0f;
  }
  layers::IntegerLookup lookup;
  lookup.adapt(x.slice(0, 200));
  Sequential model({layers::Input({1}), lookup, layers::Embedding(lookup.vocabulary_size(), 4), layers::Flatten(),
                    layers::Dense(1, activation = "sigmoid")});
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.05), loss = "binary_crossentropy",
                metrics = {"accuracy"});
  History h = model.fit(x.slice(0, 200), y.slice(0, 200), epochs = 30, verbose = 0);
  EXPECT_EQ(h.history.at("accuracy").back(), 1.0);
  EXPECT_EQ(model.evaluate(x.slice(200, 240), y.slice(200, 240), verbose = 0)[1], 1.0);
}

TEST(IntegerLookup, SavesAdaptedTfIdfWeightsUnderKerasKey) {
  auto in = Input(shape = {4});
  layers::IntegerLookup idf(output_mode = "tf_idf", name = "idf");
  idf.adapt(T({1, 1, 2, 2, 3, 3, 1, 4, 4}, {3, 3}));
  Model model(in, layers::Dense(1)(idf(in)));
  test_support::ScratchDir dir;
  model.save_weights(dir / "m.weights.h5");
  auto h5 = test_support::open_h5(dir / "m.weights.h5");
  EXPECT_EQ(h5.count_vars("layers/integer_lookup"), 1u);
  const Tensor stored = h5.read_dataset("layers/integer_lookup/vars/idf_weights", {5});
  test_support::expect_near_values(stored, {0.8047190, 0.6931472, 0.9162908, 0.9162908, 0.6931472}, 1e-6);
  EXPECT_TRUE(idf.impl()->variables().empty());  // as Keras's layer.weights
  model.save(dir / "m.keras");
  Model loaded = saving::load_model(dir / "m.keras");
  const Tensor x = T({1, 2, 9, 9, 4, 4, 3, 0}, {2, 4});
  EXPECT_EQ(loaded.predict(x, verbose = 0).to_vector(), model.predict(x, verbose = 0).to_vector());
  // The legacy .h5 format has no assets: an adapted lookup is refused there rather than saved without its vocabulary.
  test_support::expect_error_says([&] { model.save(dir / "m.h5"); },
                                  {"The legacy .h5 format cannot keep the assets of layer \"idf\" (IntegerLookup's adapted vocabulary)",
                                   "model.save(\"model.keras\")"});
  auto in2 = Input(shape = {2});
  Model given(in2, layers::Dense(1)(layers::IntegerLookup(vocabulary = Ids{4, 5}, output_mode = "count")(in2)));
  given.save(dir / "given.h5");
  EXPECT_EQ(saving::load_model(dir / "given.h5").predict(T({4, 7}, {1, 2}), verbose = 0).to_vector(),
            given.predict(T({4, 7}, {1, 2}), verbose = 0).to_vector());
}
