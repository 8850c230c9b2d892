#include "models/layer_profile.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace keras::detail {

namespace {

struct Row {
  long calls = 0;
  double seconds = 0.0;
};

struct Table {
  std::mutex mutex;
  std::map<std::pair<std::string, std::string>, Row> rows;
  double outermost_seconds = 0.0;  // the denominator of the shares: nested scopes (a model's own nodes) not twice
  ~Table() {
    if (!layer_profiling()) return;
    const std::string report = layer_profile_report();
    if (!report.empty()) std::fputs(report.c_str(), stderr);
  }
};

Table& table() {
  static Table t;
  return t;
}

bool from_environment() {
  const char* v = std::getenv("KERASPP_PROFILE_LAYERS");
  return v && *v && std::string(v) != "0";
}

std::atomic<bool> g_on{from_environment()};
thread_local int t_depth = 0;

}  // namespace

bool layer_profiling() { return g_on.load(std::memory_order_relaxed); }
void set_layer_profiling(bool on) { g_on = on; }

void reset_layer_profile() {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  t.rows.clear();
  t.outermost_seconds = 0.0;
}

std::string layer_profile_report() {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  if (t.rows.empty()) return "";
  std::vector<std::pair<std::pair<std::string, std::string>, Row>> rows(t.rows.begin(), t.rows.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  std::string out = "keraspp layer profile (KERASPP_PROFILE_LAYERS)\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-32s %-10s %10s %12s %12s %7s\n", "layer", "pass", "calls", "mean us",
                "total ms", "share");
  out += line;
  for (const auto& [key, r] : rows) {
    const double share = t.outermost_seconds > 0 ? 100.0 * r.seconds / t.outermost_seconds : 0.0;
    std::snprintf(line, sizeof line, "%-32s %-10s %10ld %12.1f %12.1f %6.1f%%\n", key.first.c_str(),
                  key.second.c_str(), r.calls, 1e6 * r.seconds / static_cast<double>(r.calls), 1e3 * r.seconds,
                  share);
    out += line;
  }
  return out;
}

ProfileScope::ProfileScope(const std::string& what, const char* pass) {
  if (!layer_profiling()) return;
  what_ = &what;
  pass_ = pass;
  outermost_ = t_depth++ == 0;
  start_ = std::chrono::steady_clock::now();
}

ProfileScope::~ProfileScope() {
  if (!what_) return;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  --t_depth;
  Table& t = table();
  std::lock_guard lock(t.mutex);
  Row& r = t.rows[{*what_, pass_}];
  ++r.calls;
  r.seconds += s;
  if (outermost_) t.outermost_seconds += s;
}

}  // namespace keras::detail
