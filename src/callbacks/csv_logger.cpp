// keras.callbacks.CSVLogger, following keras/src/callbacks/csv_logger.py (Keras 3) and Python's csv module
// (excel dialect: minimal quoting, "\r\n" line ends).
#include "keras/callbacks/csv_logger.hpp"

#include <fstream>

#include "callbacks/callback_utils.hpp"
#include "keras/core/errors.hpp"

namespace keras::callback_types {

CSVLogger::CSVLogger(const kw::Kwargs& k) {
  auto name = k.get<std::string>("filename");
  if (!name)
    throw TypeError("CSVLogger.__init__() missing 1 required positional argument: 'filename'",
                    ErrorDetails{.hint = "pass the file to write: CSVLogger(\"training.log\")."});
  filename = *name;
  separator = k.get_or<std::string>("separator", ",");
  append = k.get_or("append", false);
  if (separator.size() != 1)
    throw TypeError("\"delimiter\" must be a 1-character string",
                    ErrorDetails{.received = separator, .hint = "use one character, e.g. separator=\",\" or \";\"."});
}

std::string CSVLogger::row(const std::vector<std::string>& fields) const {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line += separator;
    const std::string& f = fields[i];
    // QUOTE_MINIMAL: quote fields holding the delimiter, the quote character or a line break; double the quotes.
    if (f.find_first_of(separator + "\"\r\n") != std::string::npos) {
      std::string q = "\"";
      for (char c : f) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      line += q + "\"";
    } else {
      line += f;
    }
  }
  return line + "\r\n";
}

void CSVLogger::on_train_begin(Logs&) {
  write_header_ = true;
  if (append) {
    std::ifstream in(filename);
    // Python's `not len(f.readline())`: a header only for an empty file.
    if (in) write_header_ = in.peek() == std::ifstream::traits_type::eof();
  }
  if (file_ && file_->is_open()) file_->close();
  file_ = std::make_shared<std::ofstream>(filename, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  if (!*file_)
    throw ValueError("[Errno 2] No such file or directory: '" + filename + "'",
                     ErrorDetails{.received = filename, .hint = "CSVLogger could not open the file; check that its "
                                                                "directory exists and is writable."});
  keys.reset();
  header_done_ = false;
}

void CSVLogger::on_epoch_end(int epoch, Logs& logs) {
  if (!file_) {
    Logs none;
    on_train_begin(none);
  }
  if (!keys) {
    keys.emplace();
    bool has_val = false;
    for (const auto& [key, value] : logs) {
      keys->push_back(key);  // std::map iterates in sorted order, as Keras's sorted(logs.keys())
      has_val = has_val || key.rfind("val_", 0) == 0;
    }
    if (!has_val && !keys->empty()) {
      const size_t n = keys->size();
      for (size_t i = 0; i < n; ++i) keys->push_back("val_" + (*keys)[i]);
    }
  }
  if (!header_done_) {
    std::vector<std::string> header{"epoch"};
    header.insert(header.end(), keys->begin(), keys->end());
    if (write_header_) *file_ << row(header);
    header_done_ = true;
  }
  std::vector<std::string> fields{std::to_string(epoch)};
  for (const auto& key : *keys) {
    auto it = logs.find(key);
    fields.push_back(it == logs.end() ? "NA" : py_float(it->second));
  }
  *file_ << row(fields);
  file_->flush();
}

void CSVLogger::on_train_end(Logs&) {
  if (file_ && file_->is_open()) file_->close();
  file_.reset();
}

}  // namespace keras::callback_types
