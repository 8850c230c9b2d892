#pragma once
// The one error family of keraspp. Every shape or argument mistake is a ValueError whose what() starts with
// Keras 3's own message (so it can be searched for) and ends with a line "Hint: ..." saying how to fix it.
#include <stdexcept>
#include <string>

namespace keras {

struct ErrorDetails {
  std::string layer;     // the layer (or model) that found the mistake, when there is one
  std::string expected;  // what it expected, e.g. "(None, 784)" or "ndim=3"
  std::string received;  // what it got, e.g. "(64, 100)"
  std::string hint;      // one line: the likely fix, in terms of the user's model
};

class ValueError : public std::invalid_argument {
 public:
  ValueError(const std::string& message, ErrorDetails details = {});
  const std::string& message() const { return message_; }
  const std::string& layer() const { return details_.layer; }
  const std::string& expected() const { return details_.expected; }
  const std::string& received() const { return details_.received; }
  const std::string& hint() const { return details_.hint; }

 private:
  std::string message_;
  ErrorDetails details_;
};

// Python's TypeError: a wrong kind of argument (a string where a number is needed, an unknown keyword at run time).
class TypeError : public ValueError {
 public:
  using ValueError::ValueError;
};

// A Keras feature keraspp does not have yet. Never used for user mistakes.
class NotImplementedError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace keras
