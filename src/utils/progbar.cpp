// keras.utils.Progbar, following keras/src/utils/progbar.py (Keras 3): the same text, widths and number formats.
#include "keras/utils/progbar.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <ostream>

#if defined(_WIN32)
#include <io.h>
#define KERASPP_ISATTY(fd) _isatty(fd)
#else
#include <unistd.h>
#define KERASPP_ISATTY(fd) isatty(fd)
#endif

namespace keras::utils {

namespace {

// printf-style formatting of one double, with Python's spelling of NaN (never "-nan").
std::string format_double(const char* fmt, double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// Number of characters shown (UTF-8 code points) of a string without escape codes.
size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string repeat(const std::string& s, int64_t n) {
  std::string out;
  for (int64_t i = 0; i < n; ++i) out += s;
  return out;
}

double steady_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

const char* const kBlock = "\xe2\x94\x81";  // U+2501 BOX DRAWINGS HEAVY HORIZONTAL, Keras's bar character
const char* const kBold = "\x1b[1m";
const char* const kGreen = "\x1b[32m";
const char* const kWhite = "\x1b[37m";
const char* const kReset = "\x1b[0m";

}  // namespace

std::string progbar_format_time(double time_per_unit, const std::string& unit_name) {
  if (time_per_unit >= 1 || time_per_unit == 0) return " " + format_double("%.0f", time_per_unit) + "s/" + unit_name;
  if (time_per_unit >= 1e-3) return " " + format_double("%.0f", time_per_unit * 1000.0) + "ms/" + unit_name;
  return " " + format_double("%.0f", time_per_unit * 1000000.0) + "us/" + unit_name;
}

std::string progbar_format_eta(double eta) {
  char buf[96];
  if (!(eta < 1e15)) eta = std::isnan(eta) ? 0.0 : 1e15;  // keep the integer conversions defined
  // Python's "%d" % float truncates toward zero; // and % on floats floor.
  if (eta > 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(std::floor(eta / 3600)),
                  static_cast<long long>(std::floor(std::fmod(eta, 3600) / 60)),
                  static_cast<long long>(std::fmod(eta, 60)));
  } else if (eta > 60) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(std::floor(eta / 60)),
                  static_cast<long long>(std::fmod(eta, 60)));
  } else {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(eta));
  }
  return buf;
}

std::string progbar_format_value(double v, bool abs_threshold) {
  // Keras compares abs(avg) > 1e-3 for verbose=1, but avg > 1e-3 for verbose=2 (negative values print as .4e).
  bool fixed = abs_threshold ? std::fabs(v) > 1e-3 : v > 1e-3;
  return format_double(fixed ? "%.4f" : "%.4e", v);
}

Progbar::Progbar(Dim target, int width, int verbose, double interval,
                 std::optional<std::vector<std::string>> stateful_metrics, std::string unit_name)
    : target_(target),
      width_(width),
      verbose_(verbose),
      interval_(interval),
      unit_name_(std::move(unit_name)),
      os_(&std::cout),
      clock_(steady_seconds) {
  stateful_ = std::set<std::string>();
  if (stateful_metrics) stateful_ = std::set<std::string>(stateful_metrics->begin(), stateful_metrics->end());
  start_ = clock_();
}

void Progbar::set_stateless_metrics(std::vector<std::string> names) {
  stateful_.reset();
  stateless_ = std::set<std::string>(names.begin(), names.end());
}

void Progbar::set_clock(std::function<double()> clock) {
  clock_ = clock ? std::move(clock) : std::function<double()>(steady_seconds);
  start_ = clock_();
  last_update_.reset();
  time_after_first_step_.reset();
}

bool Progbar::interactive() const {
  if (interactive_) return *interactive_;
  return os_ == &std::cout && KERASPP_ISATTY(1);
}

double Progbar::estimate_step_duration(int64_t current, double now) {
  if (current == 0) return 0.0;
  double per_unit;
  if (time_after_first_step_ && current > 1)
    per_unit = (now - *time_after_first_step_) / static_cast<double>(current - 1);
  else per_unit = (now - start_) / static_cast<double>(current);
  if (current == 1) time_after_first_step_ = now;
  return per_unit;
}

std::string Progbar::format_values(bool abs_threshold) const {
  std::string out;
  for (const auto& k : order_) {
    // An init-capture: clang 14 cannot capture a structured binding itself (a C++20 addition).
    auto it = std::find_if(values_.begin(), values_.end(), [&name = k](const auto& kv) { return kv.first == name; });
    if (it == values_.end()) continue;
    double avg = it->second.sum / std::max(1.0, it->second.count);
    out += " - " + k + ": " + progbar_format_value(avg, abs_threshold);
  }
  return out;
}

void Progbar::update(int64_t current, const Values& values, std::optional<bool> finalize_arg) {
  const bool known = target_.known() && target_.value() > 0;
  bool finalize = finalize_arg ? *finalize_arg : (target_.known() && current >= target_.value());

  for (const auto& [k, v] : values) {
    if (std::find(order_.begin(), order_.end(), k) == order_.end()) order_.push_back(k);
    bool stateless = stateful_ ? !stateful_->count(k) : (stateless_ && stateless_->count(k));
    // An init-capture: clang 14 cannot capture a structured binding itself (a C++20 addition).
    auto it = std::find_if(values_.begin(), values_.end(), [&name = k](const auto& kv) { return kv.first == name; });
    if (stateless && !finalize) {
      double base = static_cast<double>(std::max<int64_t>(current - seen_so_far_, 1));
      if (it == values_.end()) values_.emplace_back(k, Accum{v * base, base});
      else {
        it->second.sum += v * base;
        it->second.count += base;
      }
    } else {
      // Stateful values (and every value when finalizing) are shown as given.
      if (it == values_.end()) values_.emplace_back(k, Accum{v, 1.0});
      else it->second = Accum{v, 1.0};
    }
  }
  seen_so_far_ = current;

  const double now = clock_();
  const double time_per_unit = estimate_step_duration(current, now);

  if (verbose_ == 1) {
    if (last_update_ && now - *last_update_ < interval_ && !finalize) return;
    const bool tty = interactive();
    if (!tty && !finalize) {
      // Not a terminal: one line per bar, printed when it is finalized.
      last_update_ = now;
      return;
    }
    auto deco = [&](const char* code, const std::string& s) { return tty ? code + s + kReset : s; };

    std::string bar, bar_plain;
    if (known) {
      const int64_t target = target_.value();
      const std::string digits = std::to_string(target);
      char count[64];
      std::snprintf(count, sizeof count, "%*lld/%lld", static_cast<int>(digits.size()),
                    static_cast<long long>(current), static_cast<long long>(target));
      const double prog = static_cast<double>(current) / static_cast<double>(target);
      const int64_t done = std::clamp<int64_t>(static_cast<int64_t>(width_ * prog), 0, width_);
      bar = deco(kBold, count) + " ";
      if (done > 0) bar += deco(kGreen, repeat(kBlock, done));
      bar += deco(kWhite, repeat(kBlock, width_ - done));
      bar_plain = std::string(count) + " " + repeat(kBlock, width_);
    } else {
      char count[64];
      std::snprintf(count, sizeof count, "%7lld/Unknown", static_cast<long long>(current));
      bar = bar_plain = count;
    }

    std::string when;
    if (known && !finalize) when = progbar_format_eta(time_per_unit * static_cast<double>(target_.value() - current));
    else when = format_double("%.0f", now - start_) + "s";
    std::string tail = progbar_format_time(time_per_unit, unit_name_) + format_values(true);
    std::string info = " " + deco(kBold, when) + tail;
    std::string info_plain = " " + when + tail;

    std::string message;
    if (tty) message = std::string(prev_total_width_, '\b') + "\r";
    message += bar + info;
    const size_t total_width = display_width(bar_plain) + display_width(info_plain);
    if (tty && prev_total_width_ > total_width) message += std::string(prev_total_width_ - total_width, ' ');
    if (finalize) message += "\n";
    *os_ << message << std::flush;
    prev_total_width_ = total_width;
  } else if (verbose_ == 2) {
    if (finalize && known) {
      const int64_t target = target_.value();
      const std::string digits = std::to_string(target);
      char count[64];
      std::snprintf(count, sizeof count, "%*lld/%lld", static_cast<int>(digits.size()),
                    static_cast<long long>(current), static_cast<long long>(target));
      std::string info = std::string(count) + " - " + format_double("%.0f", now - start_) + "s -" +
                         progbar_format_time(time_per_unit, unit_name_) + format_values(false) + "\n";
      *os_ << info << std::flush;
    }
  }
  last_update_ = now;
}

void Progbar::add(int64_t n, const Values& values) { update(seen_so_far_ + n, values); }

}  // namespace keras::utils
