// model.summary(line_length=, positions=, print_fn=, show_trainable=, layer_range=) as Keras 3's print_summary.
#include <gtest/gtest.h>

#include <string>

#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::expect_error_says;

namespace {

// Dense (trainable), Dropout (no weights), Dense (frozen).
Sequential three_rows() {
  Sequential model({layers::Dense(2, input_shape = {3}, name = "d1"), layers::Dropout(0.5, name = "drop"),
                    layers::Dense(1, name = "d2")});
  model.get_layer("d2").set_trainable(false);
  return model;
}

std::string summary_text(const Sequential& model, const kw::Kwargs& k) { return model.summary_string(k); }

// The number of characters (code points) of the first line of the table, its top border.
size_t table_width(const std::string& text) {
  const size_t begin = text.find('\n') + 1, end = text.find('\n', begin);
  size_t n = 0;
  for (size_t i = begin; i < end; ++i) n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return n;
}

}  // namespace

TEST(SummaryKeywords, PrintFnGetsTheTextAndShowTrainableAddsItsColumn) {
  Sequential model = three_rows();
  std::string got;
  ::testing::internal::CaptureStdout();
  model.summary(show_trainable = true, print_fn = [&](const std::string& s) { got = s; });
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(got, model.summary_string(kw::collect<Model::summary_args>(show_trainable = true)));
  // Y: trainable weights; -: no weights; N: a frozen layer (Keras's bold Y / N, without colours in a pipe).
  EXPECT_NE(got.find("│ d1 (Dense)                  │ (None, 2)             │          8 │   Y   │"), std::string::npos)
      << got;
  EXPECT_NE(got.find("│ drop (Dropout)              │ (None, 2)             │          0 │   -   │"), std::string::npos);
  EXPECT_NE(got.find("│ d2 (Dense)                  │ (None, 1)             │          3 │   N   │"), std::string::npos);
}

TEST(SummaryKeywords, LayerRangeByNameOrPattern) {
  Sequential model = three_rows();
  const std::string part = summary_text(model, kw::collect<Model::summary_args>(layer_range = {"drop", "d2"}));
  EXPECT_EQ(part.find("d1 (Dense)"), std::string::npos) << part;
  EXPECT_NE(part.find("drop (Dropout)"), std::string::npos);
  EXPECT_NE(part.find("d2 (Dense)"), std::string::npos);
  EXPECT_NE(part.find(" Total params: 11 (44.00 B)"), std::string::npos);  // the totals stay the whole model's
  // Patterns match at the start of a name (Python's re.match); first match of the first, last of the second.
  const std::string all = summary_text(model, {});
  EXPECT_EQ(summary_text(model, kw::collect<Model::summary_args>(layer_range = {"d", "d"})), all);
  EXPECT_EQ(summary_text(model, kw::collect<Model::summary_args>(layer_range = {"d2", "d1"})), all);  // reversed
  EXPECT_EQ(summary_text(model, kw::collect<Model::summary_args>(layer_range = {"d1", "d1"})).find("drop"),
            std::string::npos);
  expect_error_says([&] { model.summary(layer_range = {"d1"}); },
                    {"layer_range must be a list or tuple of length 2. Received: layer_range = ['d1'] of length 1"});
  expect_error_says([&] { model.summary(layer_range = {"dense", "d2"}); },
                    {"Passed layer_names do not match the layer names in the model. Received: ['dense', 'd2']",
                     "Hint: the model's layers: d1, drop, d2."});
  expect_error_says([&] { model.summary(layer_range = {"(", "d2"}); },
                    {"layer_range: '(' is not a valid regular expression."});
}

TEST(SummaryKeywords, LineLengthAndPositions) {
  Sequential model = three_rows();
  EXPECT_EQ(table_width(summary_text(model, {})), 76u);  // an 80-column pipe, as Keras
  EXPECT_EQ(table_width(summary_text(model, kw::collect<Model::summary_args>(line_length = 60))), 60u);
  const std::string moved = summary_text(model, kw::collect<Model::summary_args>(positions = {0.5, 0.7, 1.0}));
  EXPECT_NE(moved.find("│ d1 (Dense)                          │ (None, 2)   │                    8 │"),
            std::string::npos)
      << moved;
  expect_error_says([&] { model.summary(positions = {0.5, 1.0}); },
                    {"`positions` must have one entry per column: expected 3, received 2."});
  expect_error_says([&] { model.summary(line_length = 10); }, {"Insufficient console width to print summary."});
}
