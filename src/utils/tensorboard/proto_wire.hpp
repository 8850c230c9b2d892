#pragma once
// The protocol buffers wire format, for the handful of TensorFlow messages an event file holds (event.proto,
// summary.proto, tensor.proto): varints, little-endian fixed-width numbers, length-delimited bytes and messages.
// Callers write fields in field-number order, as protobuf's C++ serializer does, so the bytes match TensorFlow's;
// scalar fields at their proto3 default are left out, as proto3 leaves them out.
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace keras::tensorboard {

static_assert(std::endian::native == std::endian::little, "the fixed-width fields are copied from memory as is");

class ProtoWriter {
 public:
  void varint_field(int field, uint64_t value) {
    if (value == 0) return;
    key(field, kVarint);
    varint(value);
  }
  void double_field(int field, double value) {
    if (value == 0.0) return;
    key(field, kFixed64);
    raw(value);
  }
  // A string or bytes field (left out when empty).
  void bytes_field(int field, std::string_view bytes) {
    if (!bytes.empty()) element(field, bytes);
  }
  // One element of a repeated bytes field, or a message: always written, even when empty (a set message field is
  // present though it holds nothing, as TensorProto's tensor_shape of a scalar).
  void element(int field, std::string_view bytes) {
    key(field, kLengthDelimited);
    varint(bytes.size());
    out_.append(bytes);
  }
  void message_field(int field, const ProtoWriter& message) { element(field, message.bytes()); }
  const std::string& bytes() const { return out_; }

 private:
  enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };
  void key(int field, WireType type) { varint((static_cast<uint64_t>(field) << 3) | type); }
  void varint(uint64_t value) {
    for (; value >= 0x80; value >>= 7) out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    out_.push_back(static_cast<char>(value));
  }
  template <class T>
  void raw(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out_.append(bytes, sizeof(T));
  }
  std::string out_;
};

}  // namespace keras::tensorboard
