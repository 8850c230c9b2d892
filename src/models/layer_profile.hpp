#pragma once
// Per-layer timing of model passes, for performance work (issue #7 asks for a profile before each optimisation).
// Off unless the environment variable KERASPP_PROFILE_LAYERS is set to a non-empty value other than 0, or
// set_layer_profiling(true) is called; then every node of every model is timed in each pass (training forward,
// inference forward, backward), as are the loss and the optimizer step of fit(), and the table is printed to
// stderr when the process exits. Off, a scope costs one relaxed atomic load.
#include <atomic>
#include <chrono>
#include <string>

namespace keras::detail {

bool layer_profiling();
void set_layer_profiling(bool on);

// The table so far: one row per (what, pass), slowest total first, with calls, mean and total time, and share of
// all the time recorded at the outermost level ("" when nothing was recorded).
std::string layer_profile_report();
void reset_layer_profile();

// Adds the time from construction to destruction to the row (what, pass), when profiling is on. `what` and `pass`
// are kept by reference: they must outlive the scope (a layer's name, a constant).
class ProfileScope {
 public:
  ProfileScope(const std::string& what, const char* pass);
  ~ProfileScope();
  ProfileScope(const ProfileScope&) = delete;
  ProfileScope& operator=(const ProfileScope&) = delete;

 private:
  const std::string* what_ = nullptr;
  const char* pass_ = nullptr;
  bool outermost_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace keras::detail
