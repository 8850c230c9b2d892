#include "utils/tensorboard/event_file_writer.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "keras/core/errors.hpp"
#include "utils/tensorboard/crc32c.hpp"
#include "utils/tensorboard/summaries.hpp"

namespace keras::tensorboard {

namespace {

std::string little_endian(uint64_t value, size_t bytes) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xffu);
  return out;
}

std::string hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// events_writer.cc: "events.out.tfevents.%010lld.<host>" then summary_file_writer.cc's ".<pid>.<n>.v2".
std::string event_file_name() {
  static std::atomic<int64_t> writers_opened{0};
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  char stamp[32];
  std::snprintf(stamp, sizeof(stamp), "%010lld", static_cast<long long>(seconds));
  return "events.out.tfevents." + std::string(stamp) + "." + hostname() + "." + std::to_string(::getpid()) + "." +
         std::to_string(writers_opened.fetch_add(1)) + ".v2";
}

}  // namespace

std::string tfrecord(std::string_view data) {
  const std::string length = little_endian(data.size(), 8);
  std::string record = length;
  record += little_endian(masked_crc32c(length), 4);
  record.append(data);
  record += little_endian(masked_crc32c(data), 4);
  return record;
}

double wall_time_now() {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return static_cast<double>(micros) / 1e6;
}

EventFileWriter::EventFileWriter(const std::string& log_dir) {
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  path_ = (std::filesystem::path(log_dir) / event_file_name()).string();
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_)
    throw ValueError("Could not create the TensorBoard event file " + path_ + ".",
                     {.received = log_dir, .hint = "check that log_dir is a directory you can write to."});
  // TensorFlow stamps the version event with whole seconds.
  append(file_version_event(static_cast<double>(static_cast<int64_t>(wall_time_now()))));
  flush();
}

void EventFileWriter::write(int64_t step, const std::string& summary_value) {
  append(summary_event(wall_time_now(), step, summary_value));
}

void EventFileWriter::append(const std::string& event) { out_ << tfrecord(event); }

void EventFileWriter::flush() { out_.flush(); }

}  // namespace keras::tensorboard
