#pragma once
// Helpers shared by the built-in callbacks: Python's number spellings, print_msg / warnings.warn, the direction a
// monitored quantity improves in, and Python's str.format for ModelCheckpoint's filepath.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "core/py_repr.hpp"

namespace keras::callback_types::detail {

// io_utils.print_msg: the message and a newline on standard output, flushed.
void print_msg(const std::string& message);

// warnings.warn: "UserWarning: message" on standard error, once per distinct message for each `seen` set
// (Python shows a warning once per place it is raised from).
void warn(const std::string& message, std::set<std::string>* seen = nullptr);

// Whether larger values of the monitored quantity are better. monitor may have the "val_" prefix. Known names:
// "loss", the losses and error metrics (lower is better), the accuracies, AUC, precision, recall, ... (higher is
// better); nullopt for a name whose direction is unknown (Keras raises then, in mode "auto").
std::optional<bool> higher_is_better(const std::string& monitor);

// A save_freq given as a number of batches ("100"): true with the number in `count`; false for anything else (the
// caller raises its callback's message).
bool parse_batch_count(const std::string& text, int& count);

// Python's str.format(**fields) for the common specs: "{epoch:02d}", "{val_loss:.2f}", "{epoch}", "{loss:.3e}",
// width, fill and alignment, sign, "{{" / "}}". An int field formats as Python formats an int, a double as a float.
// A missing field throws std::out_of_range with the missing name; a bad spec throws keras::ValueError.
using FormatValue = std::variant<int64_t, double>;
std::string python_format(const std::string& pattern, const std::map<std::string, FormatValue>& fields);

}  // namespace keras::callback_types::detail
