#include "keras/core/errors.hpp"

namespace keras {

namespace {
std::string compose(const std::string& message, const ErrorDetails& d) {
  if (d.hint.empty()) return message;
  std::string out;
  out.reserve(message.size() + d.hint.size() + 8);
  out.append(message).append("\nHint: ").append(d.hint);
  return out;
}
}  // namespace

ValueError::ValueError(const std::string& message, ErrorDetails details)
    : std::invalid_argument(compose(message, details)), message_(message), details_(std::move(details)) {}

}  // namespace keras

#include "keras/core/args.hpp"

namespace keras {
Verbosity::Verbosity(const char* s) {
  std::string v = s ? s : "";
  if (v != "auto")
    throw ValueError("Invalid value for argument `verbose`: '" + v + "'. Expected 0, 1, 2 or 'auto'.",
                     {.received = v, .hint = "use verbose=0 (silent), 1 (progress bar), 2 (one line per epoch)."});
  level = 1;
}
}  // namespace keras
