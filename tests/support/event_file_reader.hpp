#pragma once
// Reads TensorBoard event files back for the tests: the TFRecord framing (both checksums verified) and the fields of
// each Event, decoded by a minimal protobuf reader written from the wire format, not from the writer's code.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "utils/tensorboard/crc32c.hpp"

namespace keras::test_support::event_files {

struct Field {
  int number = 0;
  int wire_type = 0;
  uint64_t varint = 0;  // wire type 0
  std::string bytes;    // wire types 1, 2, 5 (fixed-width values as their little-endian bytes)
};

inline uint64_t read_varint(std::string_view data, size_t& at) {
  uint64_t value = 0;
  for (int shift = 0; at < data.size(); shift += 7) {
    const auto byte = static_cast<unsigned char>(data[at++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
  throw std::runtime_error("truncated varint");
}

inline std::vector<Field> decode(std::string_view message) {
  std::vector<Field> fields;
  for (size_t at = 0; at < message.size();) {
    const uint64_t key = read_varint(message, at);
    Field f;
    f.number = static_cast<int>(key >> 3);
    f.wire_type = static_cast<int>(key & 7);
    size_t size = 0;
    switch (f.wire_type) {
      case 0: f.varint = read_varint(message, at); break;
      case 1: size = 8; break;
      case 2: size = static_cast<size_t>(read_varint(message, at)); break;
      case 5: size = 4; break;
      default: throw std::runtime_error("unknown wire type");
    }
    if (f.wire_type != 0) {
      if (at + size > message.size()) throw std::runtime_error("truncated field");
      f.bytes = std::string(message.substr(at, size));
      at += size;
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

inline std::vector<const Field*> all(const std::vector<Field>& fields, int number) {
  std::vector<const Field*> out;
  for (const auto& f : fields)
    if (f.number == number) out.push_back(&f);
  return out;
}
inline const Field* first(const std::vector<Field>& fields, int number) {
  auto found = all(fields, number);
  return found.empty() ? nullptr : found.front();
}

template <class T>
T from_bytes(std::string_view bytes) {
  T value{};
  std::memcpy(&value, bytes.data(), sizeof(T));
  return value;
}

// One event: its stamp and step, and (for a summary) its single value's tag, plugin, tensor dtype, shape and data.
struct Event {
  double wall_time = 0;
  int64_t step = 0;
  std::string file_version;
  std::string tag, plugin_name, plugin_content;
  int dtype = 0;
  std::vector<int64_t> shape;
  std::string tensor_content;         // raw little-endian numbers
  std::vector<std::string> strings;   // string_val
  float scalar() const { return from_bytes<float>(tensor_content); }
  std::vector<double> doubles() const {
    std::vector<double> out(tensor_content.size() / 8);
    std::memcpy(out.data(), tensor_content.data(), out.size() * 8);
    return out;
  }
};

inline Event to_event(std::string_view bytes) {
  Event e;
  const auto fields = decode(bytes);
  if (auto* f = first(fields, 1)) e.wall_time = from_bytes<double>(f->bytes);
  if (auto* f = first(fields, 2)) e.step = static_cast<int64_t>(f->varint);
  if (auto* f = first(fields, 3)) e.file_version = f->bytes;
  if (auto* summary = first(fields, 5)) {
    const auto summary_fields = decode(summary->bytes);
    const auto values = all(summary_fields, 1);
    if (values.size() != 1) throw std::runtime_error("expected one Summary.Value per event");
    const auto value = decode(values[0]->bytes);
    if (auto* f = first(value, 1)) e.tag = f->bytes;
    if (auto* metadata = first(value, 9)) {
      const auto m = decode(metadata->bytes);
      if (auto* plugin = first(m, 1)) {
        const auto p = decode(plugin->bytes);
        if (auto* f = first(p, 1)) e.plugin_name = f->bytes;
        if (auto* f = first(p, 2)) e.plugin_content = f->bytes;
      }
    }
    if (auto* tensor = first(value, 8)) {
      const auto t = decode(tensor->bytes);
      if (auto* f = first(t, 1)) e.dtype = static_cast<int>(f->varint);
      if (auto* shape = first(t, 2)) {
        const auto dims = decode(shape->bytes);
        for (auto* dim : all(dims, 2)) {
          const auto d = decode(dim->bytes);
          auto* size = first(d, 1);
          e.shape.push_back(size ? static_cast<int64_t>(size->varint) : 0);
        }
      }
      if (auto* f = first(t, 4)) e.tensor_content = f->bytes;
      for (auto* f : all(t, 8)) e.strings.push_back(f->bytes);
    }
  }
  return e;
}

template <class T>
T little_endian(std::string_view b) {
  T v = 0;
  for (size_t i = sizeof(T); i-- > 0;) v = static_cast<T>((v << 8) | static_cast<unsigned char>(b[i]));
  return v;
}

// Every event of a file; a failed check of the framing fails the test.
inline std::vector<Event> read_events(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  const std::string data = s.str();
  std::vector<Event> events;
  for (size_t at = 0; at < data.size();) {
    if (at + 12 > data.size()) throw std::runtime_error("truncated record header in " + path);
    const std::string_view header(data.data() + at, 8);
    const uint64_t length = little_endian<uint64_t>(header);
    EXPECT_EQ(little_endian<uint32_t>(std::string_view(data.data() + at + 8, 4)), tensorboard::masked_crc32c(header));
    if (at + 12 + length + 4 > data.size()) throw std::runtime_error("truncated record in " + path);
    const std::string_view body(data.data() + at + 12, length);
    EXPECT_EQ(little_endian<uint32_t>(std::string_view(data.data() + at + 12 + length, 4)), tensorboard::masked_crc32c(body));
    events.push_back(to_event(body));
    at += 12 + length + 4;
  }
  return events;
}

// The event files of a directory, oldest first (by the counter in their names).
inline std::vector<std::string> event_files_in(const std::string& dir) {
  std::vector<std::string> files;
  if (!std::filesystem::exists(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0) files.push_back(entry.path().string());
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    auto counter = [](const std::string& p) {
      const auto end = p.rfind(".v2"), begin = p.rfind('.', end - 1);
      return std::stoll(p.substr(begin + 1, end - begin - 1));
    };
    return counter(a) < counter(b);
  });
  return files;
}

// tag -> (step, event) in file order, for the summaries of one file.
inline std::map<std::string, std::vector<Event>> by_tag(const std::vector<Event>& events) {
  std::map<std::string, std::vector<Event>> out;
  for (const auto& e : events)
    if (!e.tag.empty()) out[e.tag].push_back(e);
  return out;
}

}  // namespace keras::test_support::event_files
