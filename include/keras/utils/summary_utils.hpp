#pragma once
// Keras 3's model.summary() table (keras/src/utils/summary_utils.py print_summary), drawn without `rich`.
//
// The text is what Keras prints when its output is captured (a pipe, a file, CI): rich's Console with
// color_system=None, so no colours and no bold. The table is rich.table.Table(width=line_length,
// show_lines=True) with fixed-width columns; cells wrap at spaces and a word too long for its column ends
// in "…" (rich's Column default overflow="ellipsis"). Every printed line is cropped to the console's width
// (`terminal_columns`), as rich's Console.print(crop=True) does.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace keras::utils {

struct SummaryRow {
  std::string layer;                      // "dense (Dense)"
  std::string output_shape;               // "(None, 128)", or "?" when unbuilt
  std::optional<int64_t> params;          // nullopt: unbuilt, printed "0 (unbuilt)"
  std::vector<std::string> connected_to;  // "dense[0][0]"; used only when show_connected_to. Keras joins them
                                          // with ", " into one cell (wrapped by the column); none: "-"
  std::optional<bool> trainable;          // used only when show_trainable: Y / N; nullopt (no weights): "-"
};

struct SummaryTable {
  std::string model_name;                 // Model: "sequential"
  std::vector<SummaryRow> rows;
  bool show_connected_to = false;         // non-linear functional models
  int64_t trainable_params = 0;
  int64_t non_trainable_params = 0;
  std::optional<int64_t> optimizer_params;  // after fit: " Optimizer params: N (size)", included in Total
  int64_t bytes_per_param = 4;
  int line_length = 0;                    // 0: Keras's default, min(88 / 108 (+12 with show_trainable),
                                          //    terminal_columns - 4): 76 for both kinds in a pipe
  // Additions beyond the first interface (all optional):
  int terminal_columns = 80;              // shutil.get_terminal_size() / rich's console width: 80 when stdout
                                          // is not a terminal and $COLUMNS is unset
  bool show_trainable = false;            // summary(show_trainable=True): a centred "Trainable" column
  std::vector<double> positions;          // summary(positions=...): relative column ends; empty: Keras's
  // Exact byte sizes when the weights are not all bytes_per_param wide (Keras sums each variable's dtype
  // size: an optimizer's int64 `iterations` counts 8 bytes). nullopt: count * bytes_per_param.
  std::optional<double> trainable_bytes;
  std::optional<double> non_trainable_bytes;
  std::optional<double> optimizer_bytes;
};

// The text summary() prints, ending with a newline. Throws keras::ValueError("Insufficient console width
// to print summary.") when a column would be narrower than 4 characters, as Keras does.
std::string render_summary(const SummaryTable& table);
// "101,770"
std::string format_with_commas(int64_t n);
// "397.54 KB", "0.00 B" (bytes / 1024 units: B, KB, MB, GB, TB, PB)
std::string format_bytes(double bytes);

}  // namespace keras::utils
