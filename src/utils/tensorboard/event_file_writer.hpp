#pragma once
// The event file tf.summary.create_file_writer(log_dir) writes, which TensorBoard reads:
// log_dir/events.out.tfevents.<seconds, 10 digits>.<hostname>.<pid>.<n>.v2, where n counts the writers this process
// opened (so two writers opened within the same second do not collide). The file is a sequence of TFRecords (a
// little-endian uint64 length, its masked CRC-32C, the bytes, their masked CRC-32C), each holding one serialized
// Event; the first one says "brain.Event:2".
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

namespace keras::tensorboard {

// One TFRecord around `data`.
std::string tfrecord(std::string_view data);

// Seconds since the epoch, with microseconds, as TensorFlow stamps events.
double wall_time_now();

class EventFileWriter {
 public:
  // Creates log_dir (and its parents) and the file; throws keras::ValueError when either cannot be written.
  explicit EventFileWriter(const std::string& log_dir);
  EventFileWriter(const EventFileWriter&) = delete;
  EventFileWriter& operator=(const EventFileWriter&) = delete;

  // Appends an Event holding `summary_value` (from summaries.hpp) at `step`, stamped now.
  void write(int64_t step, const std::string& summary_value);
  void flush();
  const std::string& path() const { return path_; }

 private:
  void append(const std::string& event);
  std::string path_;
  std::ofstream out_;
};

}  // namespace keras::tensorboard
