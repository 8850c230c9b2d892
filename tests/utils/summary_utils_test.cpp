// Tests for keras::utils::render_summary (Keras 3's model.summary() table). The expected texts are what
// keras/src/utils/summary_utils.py print_summary prints through rich (13.x) into a pipe: rich's Console with
// color_system=None and an 80-column console unless a test says otherwise.
#include "keras/utils/summary_utils.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/core/errors.hpp"

namespace {

using keras::utils::format_bytes;
using keras::utils::format_with_commas;
using keras::utils::render_summary;
using keras::utils::SummaryRow;
using keras::utils::SummaryTable;

SummaryRow summary_row(std::string layer, std::string shape, std::optional<int64_t> params,
                       std::vector<std::string> connected_to = {}) {
  SummaryRow r;
  r.layer = std::move(layer);
  r.output_shape = std::move(shape);
  r.params = params;
  r.connected_to = std::move(connected_to);
  return r;
}

// input -> dense, dense_1 -> add -> batch_normalization -> dense_2
SummaryTable functional_model() {
  SummaryTable t;
  t.model_name = "functional";
  t.show_connected_to = true;
  t.rows = {
      summary_row("input_layer (InputLayer)", "(None, 784)", 0),
      summary_row("dense (Dense)", "(None, 64)", 50240, {"input_layer[0][0]"}),
      summary_row("dense_1 (Dense)", "(None, 64)", 50240, {"input_layer[0][0]"}),
      summary_row("add (Add)", "(None, 64)", 0, {"dense[0][0]", "dense_1[0][0]"}),
      summary_row("batch_normalization (BatchNormalization)", "(None, 64)", 256, {"add[0][0]"}),
      summary_row("dense_2 (Dense)", "(None, 10)", 650, {"batch_normalization[0][0]"}),
  };
  t.trainable_params = 101258;
  t.non_trainable_params = 128;
  return t;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Display width in terminal cells of one line (all characters here are one cell wide).
size_t display_width(const std::string& line) {
  size_t n = 0;
  for (char c : line)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

TEST(SummaryUtils, ReferenceSequentialByteForByte) {
  SummaryTable t;
  t.model_name = "sequential";
  t.rows = {summary_row("flatten (Flatten)", "(None, 784)", 0), summary_row("dense (Dense)", "(None, 128)", 100480),
            summary_row("dense_1 (Dense)", "(None, 10)", 1290)};
  t.trainable_params = 101770;
  EXPECT_EQ(render_summary(t), R"TXT(Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ flatten (Flatten)               │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 128)            │       100,480 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 101,770 (397.54 KB)
 Trainable params: 101,770 (397.54 KB)
 Non-trainable params: 0 (0.00 B)
)TXT");
}

TEST(SummaryUtils, SequentialColumnWidthsAt76And88) {
  SummaryTable t;
  t.model_name = "sequential";
  t.rows = {summary_row("dense (Dense)", "(None, 10)", 1290)};
  std::vector<std::string> lines = lines_of(render_summary(t));
  EXPECT_EQ(lines[1], "┏" + repeat("━", 33) + "┳" + repeat("━", 24) + "┳" + repeat("━", 15) + "┓");
  for (size_t i = 1; i + 3 < lines.size(); ++i) EXPECT_EQ(display_width(lines[i]), 76u) << lines[i];

  t.terminal_columns = 200;  // a wide terminal: min(88, 200 - 4)
  lines = lines_of(render_summary(t));
  EXPECT_EQ(lines[1], "┏" + repeat("━", 38) + "┳" + repeat("━", 29) + "┳" + repeat("━", 17) + "┓");
}

TEST(SummaryUtils, UnbuiltLayersShowQuestionMarkAndUnbuilt) {
  SummaryTable t;
  t.model_name = "sequential";
  t.rows = {summary_row("dense (Dense)", "?", std::nullopt), summary_row("dense_1 (Dense)", "?", std::nullopt)};
  EXPECT_EQ(render_summary(t), R"TXT(Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ ?                      │   0 (unbuilt) │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ ?                      │   0 (unbuilt) │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
)TXT");
}

TEST(SummaryUtils, EmptyModel) {
  SummaryTable t;
  t.model_name = "sequential";
  EXPECT_EQ(render_summary(t), R"TXT(Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
)TXT");
}

TEST(SummaryUtils, FunctionalWithConnectedToInAPipeIs76Wide) {
  // In a pipe shutil.get_terminal_size() is 80 columns, so the default min(108, 80 - 4) is 76 here too.
  // Connections are joined with ", " into one cell and wrapped at the spaces; an InputLayer shows "-".
  EXPECT_EQ(render_summary(functional_model()), R"TXT(Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ input_layer         │ (None, 784)       │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 64)        │     50,240 │ input_layer[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 64)        │     50,240 │ input_layer[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ add (Add)           │ (None, 64)        │          0 │ dense[0][0],      │
│                     │                   │            │ dense_1[0][0]     │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ batch_normalization │ (None, 64)        │        256 │ add[0][0]         │
│ (BatchNormalizatio… │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_2 (Dense)     │ (None, 10)        │        650 │ batch_normalizat… │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 101,386 (396.04 KB)
 Trainable params: 101,258 (395.54 KB)
 Non-trainable params: 128 (512.00 B)
)TXT");
}

TEST(SummaryUtils, FunctionalWithConnectedToOnAWideTerminalIs108Wide) {
  SummaryTable t = functional_model();
  t.terminal_columns = 112;  // min(108, 112 - 4)
  const std::string text = render_summary(t);
  EXPECT_EQ(text, R"TXT(Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ Connected to               ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ input_layer (InputLayer)      │ (None, 784)               │               0 │ -                          │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ dense (Dense)                 │ (None, 64)                │          50,240 │ input_layer[0][0]          │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ dense_1 (Dense)               │ (None, 64)                │          50,240 │ input_layer[0][0]          │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ add (Add)                     │ (None, 64)                │               0 │ dense[0][0], dense_1[0][0] │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ batch_normalization           │ (None, 64)                │             256 │ add[0][0]                  │
│ (BatchNormalization)          │                           │                 │                            │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ dense_2 (Dense)               │ (None, 10)                │             650 │ batch_normalization[0][0]  │
└───────────────────────────────┴───────────────────────────┴─────────────────┴────────────────────────────┘
 Total params: 101,386 (396.04 KB)
 Trainable params: 101,258 (395.54 KB)
 Non-trainable params: 128 (512.00 B)
)TXT");
  EXPECT_EQ(display_width(lines_of(text)[1]), 108u);  // segments 31/27/17/28

  SummaryTable explicit_width = functional_model();
  explicit_width.line_length = 108;
  explicit_width.terminal_columns = 200;
  EXPECT_EQ(render_summary(explicit_width), text);
}

TEST(SummaryUtils, LinesWiderThanTheConsoleAreCropped) {
  // summary(line_length=108) into an 80-column pipe: rich's Console.print crops every line at 80 cells.
  SummaryTable t = functional_model();
  t.rows.resize(2);
  t.line_length = 108;
  t.trainable_params = 50240;
  t.non_trainable_params = 0;
  EXPECT_EQ(render_summary(t), R"TXT(Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━
┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ 
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━
│ input_layer (InputLayer)      │ (None, 784)               │               0 │ 
├───────────────────────────────┼───────────────────────────┼─────────────────┼─
│ dense (Dense)                 │ (None, 64)                │          50,240 │ 
└───────────────────────────────┴───────────────────────────┴─────────────────┴─
 Total params: 50,240 (196.25 KB)
 Trainable params: 50,240 (196.25 KB)
 Non-trainable params: 0 (0.00 B)
)TXT");
}

TEST(SummaryUtils, SeveralConnectionsWrapWithinTheCell) {
  // The rows of a real Keras 3 summary printed on a wide terminal: the ", "-joined connections fill the
  // 26-cell column and wrap at the spaces.
  SummaryTable t;
  t.model_name = "transformer";
  t.show_connected_to = true;
  t.terminal_columns = 120;
  t.rows = {summary_row("input (InputLayer)", "(None, 76, 50)", 0),
            summary_row("multi_head_attention (MultiHeadAttention)", "(None, 76, 50)", 415794,
                        {"input[0][0]", "input[0][0]", "input[0][0]"}),
            summary_row("add (Add)", "(None, 76, 50)", 0, {"input[0][0]", "multi_head_attention[0][0]"})};
  t.trainable_params = 415794;
  EXPECT_EQ(render_summary(t), R"TXT(Model: "transformer"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ Connected to               ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ input (InputLayer)            │ (None, 76, 50)            │               0 │ -                          │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ multi_head_attention          │ (None, 76, 50)            │         415,794 │ input[0][0], input[0][0],  │
│ (MultiHeadAttention)          │                           │                 │ input[0][0]                │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ add (Add)                     │ (None, 76, 50)            │               0 │ input[0][0],               │
│                               │                           │                 │ multi_head_attention[0][0] │
└───────────────────────────────┴───────────────────────────┴─────────────────┴────────────────────────────┘
 Total params: 415,794 (1.59 MB)
 Trainable params: 415,794 (1.59 MB)
 Non-trainable params: 0 (0.00 B)
)TXT");
}

TEST(SummaryUtils, WideCharactersTakeTwoCells) {
  SummaryTable t;
  t.model_name = "模型";
  t.rows = {summary_row("数据层_embedding_layer_数据 (Embedding)", "(None, 8, 16)", 1600)};
  t.trainable_params = 1600;
  EXPECT_EQ(render_summary(t), R"TXT(Model: "模型"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ 数据层_embedding_layer_数据     │ (None, 8, 16)          │         1,600 │
│ (Embedding)                     │                        │               │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 1,600 (6.25 KB)
 Trainable params: 1,600 (6.25 KB)
 Non-trainable params: 0 (0.00 B)
)TXT");
}

TEST(SummaryUtils, OptimizerParamsAreAddedToTotal) {
  // After fit with Adam: 2 slots per weight plus `iteration` (int64, 8 bytes) and `learning_rate` (4 bytes).
  SummaryTable t;
  t.model_name = "sequential";
  t.rows = {summary_row("dense (Dense)", "(None, 64)", 50240), summary_row("dense_1 (Dense)", "(None, 10)", 650)};
  t.trainable_params = 50890;
  t.optimizer_params = 101782;
  t.optimizer_bytes = 101780.0 * 4 + 8 + 4;
  EXPECT_EQ(render_summary(t), R"TXT(Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 64)             │        50,240 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           650 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 152,672 (596.38 KB)
 Trainable params: 50,890 (198.79 KB)
 Non-trainable params: 0 (0.00 B)
 Optimizer params: 101,782 (397.59 KB)
)TXT");
}

TEST(SummaryUtils, OptimizerBytesDefaultToBytesPerParam) {
  SummaryTable t;
  t.model_name = "m";
  t.trainable_params = 10;
  t.optimizer_params = 2;
  const std::vector<std::string> lines = lines_of(render_summary(t));
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[lines.size() - 4], " Total params: 12 (48.00 B)");
  EXPECT_EQ(lines.back(), " Optimizer params: 2 (8.00 B)");
}

TEST(SummaryUtils, LongNamesWrapAtSpacesAndEndInAnEllipsis) {
  // rich wraps each cell at spaces; a word longer than its column is cut with "…" (overflow="ellipsis").
  SummaryTable t;
  t.model_name = "sequential";
  t.rows = {summary_row("batch_normalization_12 (BatchNormalization)", "(None, 28, 28, 32)", 128),
            summary_row("a_really_long_custom_layer_name_that_cannot_fit_anywhere (Dense)", "(None, 10)", 1290),
            summary_row("conv2d (Conv2D)", "(None, 1000000, 1000000, 1000000, 3)", 123456789012)};
  t.trainable_params = 123456790430;
  EXPECT_EQ(render_summary(t), R"TXT(Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ batch_normalization_12          │ (None, 28, 28, 32)     │           128 │
│ (BatchNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ a_really_long_custom_layer_nam… │ (None, 10)             │         1,290 │
│ (Dense)                         │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d (Conv2D)                 │ (None, 1000000,        │ 123,456,789,… │
│                                 │ 1000000, 1000000, 3)   │               │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 123,456,790,430 (459.91 GB)
 Trainable params: 123,456,790,430 (459.91 GB)
 Non-trainable params: 0 (0.00 B)
)TXT");
}

TEST(SummaryUtils, NarrowTableWrapsHeadersBottomAligned) {
  SummaryTable t;
  t.model_name = "sequential";
  t.line_length = 30;
  t.rows = {summary_row("dense (Dense)", "(None, 10)", 1290)};
  t.trainable_params = 1290;
  EXPECT_EQ(render_summary(t), R"TXT(Model: "sequential"
┏━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━┓
┃ Layer      ┃ Output  ┃ Pa… ┃
┃ (type)     ┃ Shape   ┃   # ┃
┡━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━┩
│ dense      │ (None,  │ 1,… │
│ (Dense)    │ 10)     │     │
└────────────┴─────────┴─────┘
 Total params: 1,290 (5.04 KB)
 Trainable params: 1,290 (5.04 KB)
 Non-trainable params: 0 (0.00 B)
)TXT");
}

TEST(SummaryUtils, ShowTrainableAddsACentredColumn) {
  SummaryTable t;
  t.model_name = "sequential";
  t.show_trainable = true;
  t.rows = {summary_row("dense (Dense)", "(None, 4)", 20), summary_row("frozen (Dense)", "(None, 2)", 10),
            summary_row("dropout (Dropout)", "(None, 2)", 0)};
  t.rows[0].trainable = true;
  t.rows[1].trainable = false;
  t.trainable_params = 20;
  t.non_trainable_params = 10;
  EXPECT_EQ(render_summary(t), R"TXT(Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┓
┃ Layer (type)                ┃ Output Shape          ┃    Param # ┃ Trai… ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━┩
│ dense (Dense)               │ (None, 4)             │         20 │   Y   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ frozen (Dense)              │ (None, 2)             │         10 │   N   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ dropout (Dropout)           │ (None, 2)             │          0 │   -   │
└─────────────────────────────┴───────────────────────┴────────────┴───────┘
 Total params: 30 (120.00 B)
 Trainable params: 20 (80.00 B)
 Non-trainable params: 10 (40.00 B)
)TXT");
}

TEST(SummaryUtils, TooNarrowThrowsLikeKeras) {
  SummaryTable t;
  t.model_name = "sequential";
  t.line_length = 10;  // int(0.45 * 10) = 4, int(0.8 * 10) - 4 = 4, 10 - 8 = 2 < 4
  try {
    render_summary(t);
    FAIL() << "expected keras::ValueError";
  } catch (const keras::ValueError& e) {
    EXPECT_EQ(e.message(), "Insufficient console width to print summary.");
  }
}

TEST(SummaryUtils, FormatWithCommas) {
  EXPECT_EQ(format_with_commas(0), "0");
  EXPECT_EQ(format_with_commas(7), "7");
  EXPECT_EQ(format_with_commas(999), "999");
  EXPECT_EQ(format_with_commas(1000), "1,000");
  EXPECT_EQ(format_with_commas(100480), "100,480");
  EXPECT_EQ(format_with_commas(1234567), "1,234,567");
  EXPECT_EQ(format_with_commas(-1234567), "-1,234,567");
  EXPECT_EQ(format_with_commas(INT64_MAX), "9,223,372,036,854,775,807");
  EXPECT_EQ(format_with_commas(INT64_MIN), "-9,223,372,036,854,775,808");
}

TEST(SummaryUtils, FormatBytes) {
  EXPECT_EQ(format_bytes(0), "0.00 B");
  EXPECT_EQ(format_bytes(12), "12.00 B");
  EXPECT_EQ(format_bytes(1023), "1023.00 B");
  EXPECT_EQ(format_bytes(1024), "1.00 KB");
  EXPECT_EQ(format_bytes(407080), "397.54 KB");
  EXPECT_EQ(format_bytes(1.5 * 1024 * 1024), "1.50 MB");
  EXPECT_EQ(format_bytes(1024.0 * 1024 * 1024 - 1), "1024.00 MB");  // 1023.999... MB rounds up, as Keras's
  EXPECT_EQ(format_bytes(3.0 * 1024 * 1024 * 1024), "3.00 GB");
  EXPECT_EQ(format_bytes(2.0 * 1024 * 1024 * 1024 * 1024), "2.00 TB");
  // Past PB, readable_memory_size has already divided once more before it falls out of its loop: 2000 PB
  // prints as "1.95 PB" in Keras, and so here.
  EXPECT_EQ(format_bytes(2000.0 * 1024 * 1024 * 1024 * 1024 * 1024), "1.95 PB");
}

}  // namespace
