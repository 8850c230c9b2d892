#pragma once
// keras.utils.Progbar: the progress bar fit/evaluate/predict print, formatted exactly as Keras 3's.
//
//   utils::Progbar bar(100);                       // target 100 steps, width 20, verbose 1
//   for (int i = 1; i <= 100; ++i) bar.update(i, {{"loss", loss}});
//
// verbose=1 on a terminal redraws one line in place ("\b...\r"), with a bold count, a green done part and ETA:
//   " 37/100 ━━━━━━━━━━━━━━━━━━━━ 2s 31ms/step - loss: 0.4981"
// and, when finished, the elapsed time instead of the ETA, then a newline. When the output is not a terminal
// (a file, a pipe, a log), nothing is printed until the bar is finalized, then the final line alone, with no colour
// codes, so logs get one line per bar.
// verbose=2 prints only the final line: "100/100 - 3s - 31ms/step - loss: 0.4981".
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "keras/core/shape.hpp"

namespace keras::utils {

class Progbar {
 public:
  // (name, value) pairs, shown in the order first given.
  using Values = std::vector<std::pair<std::string, double>>;

  // target: the number of steps, or None when unknown. stateful_metrics: names shown as given; every other value
  // is averaged over the steps seen (Keras's default). unit_name: "step" or "sample".
  explicit Progbar(Dim target, int width = 20, int verbose = 1, double interval = 0.05,
                   std::optional<std::vector<std::string>> stateful_metrics = std::nullopt,
                   std::string unit_name = "step");

  // Shows progress at step `current` (1-based count of steps done). finalize: whether this is the last update;
  // by default, current >= target.
  void update(int64_t current, const Values& values = {}, std::optional<bool> finalize = std::nullopt);
  // update(seen + n, values).
  void add(int64_t n, const Values& values = {});

  Dim target() const { return target_; }
  void set_target(Dim target) { target_ = target; }
  int verbose() const { return verbose_; }

  // Keras's `stateless_metrics`: only these names are averaged, every other value is shown as given (what
  // ProgbarLogger uses: fit's logs are already running means). Replaces stateful_metrics.
  void set_stateless_metrics(std::vector<std::string> names);

  // Where the bar is written (default std::cout). The stream must outlive the bar.
  void set_stream(std::ostream* os) { os_ = os; }
  // Redraw in place with colours (true) or print the final line only (false). Default: whether the stream is
  // std::cout and standard output is a terminal.
  void set_interactive(std::optional<bool> interactive) { interactive_ = interactive; }
  bool interactive() const;
  // The clock, in seconds (default: a steady clock). Restarts the bar's timer. For tests.
  void set_clock(std::function<double()> clock);

 private:
  struct Accum {
    double sum = 0.0;
    double count = 1.0;
  };
  double estimate_step_duration(int64_t current, double now);
  std::string format_values(bool abs_threshold) const;

  Dim target_;
  int width_;
  int verbose_;
  double interval_;
  std::string unit_name_;
  std::optional<std::set<std::string>> stateful_;   // set: everything else is averaged
  std::optional<std::set<std::string>> stateless_;  // set: only these are averaged
  std::ostream* os_;
  std::optional<bool> interactive_;
  std::function<double()> clock_;

  int64_t seen_so_far_ = 0;
  std::vector<std::string> order_;
  std::vector<std::pair<std::string, Accum>> values_;
  double start_ = 0.0;
  std::optional<double> last_update_;
  std::optional<double> time_after_first_step_;
  size_t prev_total_width_ = 0;
};

// Keras's `_format_time`: " 1ms/step", " 3s/step", " 250us/step" (leading space included).
std::string progbar_format_time(double time_per_unit, const std::string& unit_name);
// Keras's ETA text: "5s", "1:05", "1:01:05".
std::string progbar_format_eta(double eta_seconds);
// A value as the bar shows it: "{:.4f}" when |v| > 1e-3 (or v > 1e-3 for verbose=2), else "{:.4e}".
std::string progbar_format_value(double v, bool abs_threshold = true);

}  // namespace keras::utils
