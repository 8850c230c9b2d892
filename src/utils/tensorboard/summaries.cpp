#include "utils/tensorboard/summaries.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "utils/tensorboard/proto_wire.hpp"

namespace keras::tensorboard {

namespace {

// tensorflow/core/framework/types.proto
enum DataType : uint64_t { DT_FLOAT = 1, DT_DOUBLE = 2, DT_STRING = 7 };

// TensorShapeProto: `dim` is field 2, Dim.size field 1.
ProtoWriter shape_of(const std::vector<int64_t>& dims) {
  ProtoWriter shape;
  for (int64_t size : dims) {
    ProtoWriter dim;
    dim.varint_field(1, static_cast<uint64_t>(size));
    shape.message_field(2, dim);
  }
  return shape;
}

// TensorProto as Tensor::AsProtoTensorContent writes it: dtype (1), tensor_shape (2, present even when empty),
// tensor_content (4).
template <class T>
ProtoWriter numeric_tensor(DataType dtype, const std::vector<int64_t>& dims, const T* values, size_t count) {
  ProtoWriter tensor;
  tensor.varint_field(1, dtype);
  tensor.message_field(2, shape_of(dims));
  std::string content(count * sizeof(T), '\0');
  if (count) std::memcpy(content.data(), values, content.size());
  tensor.bytes_field(4, content);
  return tensor;
}

// A string tensor as Tensor::AsProtoField writes it: the elements in string_val (8).
ProtoWriter string_tensor(const std::vector<int64_t>& dims, const std::vector<std::string>& elements) {
  ProtoWriter tensor;
  tensor.varint_field(1, DT_STRING);
  tensor.message_field(2, shape_of(dims));
  for (const auto& e : elements) tensor.element(8, e);
  return tensor;
}

// SummaryMetadata{plugin_data{plugin_name (1), content (2)}}.
ProtoWriter plugin_metadata(const std::string& plugin_name, const std::string& content = "") {
  ProtoWriter plugin;
  plugin.bytes_field(1, plugin_name);
  plugin.bytes_field(2, content);
  ProtoWriter metadata;
  metadata.message_field(1, plugin);
  return metadata;
}

// Summary.Value: tag (1), tensor (8), metadata (9).
std::string value_of(const std::string& tag, const ProtoWriter& tensor, const ProtoWriter& metadata) {
  ProtoWriter value;
  value.bytes_field(1, tag);
  value.message_field(8, tensor);
  value.message_field(9, metadata);
  return value.bytes();
}

}  // namespace

std::string scalar_value(const std::string& tag, float value) {
  return value_of(tag, numeric_tensor(DT_FLOAT, {}, &value, 1), plugin_metadata("scalars"));
}

std::vector<std::array<double, 3>> histogram_buckets(const std::vector<double>& data, int bucket_count) {
  const size_t k = static_cast<size_t>(std::max(0, bucket_count));
  std::vector<std::array<double, 3>> rows(k, {0.0, 0.0, 0.0});
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  double n = 0;
  for (double x : data)
    if (std::isfinite(x)) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      ++n;
    }
  if (k == 0 || n == 0) return rows;
  const double range = hi - lo;
  if (range == 0) {
    for (auto& row : rows) row = {hi, hi, 0.0};
    rows.back()[2] = n;
    return rows;
  }
  const double width = range / static_cast<double>(k);
  for (double x : data) {
    if (!std::isfinite(x)) continue;
    const size_t index = std::min(static_cast<size_t>(std::floor((x - lo) / width)), k - 1);
    rows[index][2] += 1;
  }
  // tf.linspace(min, max, k + 1) with the last edge forced to max.
  for (size_t i = 0; i < k; ++i) {
    rows[i][0] = lo + width * static_cast<double>(i);
    rows[i][1] = i + 1 < k ? lo + width * static_cast<double>(i + 1) : hi;
  }
  return rows;
}

std::string histogram_value(const std::string& tag, const std::vector<double>& data, int bucket_count) {
  const auto rows = histogram_buckets(data, bucket_count);
  const auto tensor = numeric_tensor(DT_DOUBLE, {static_cast<int64_t>(rows.size()), 3},
                                     rows.empty() ? nullptr : rows.front().data(), rows.size() * 3);
  return value_of(tag, tensor, plugin_metadata("histograms"));
}

std::string text_value(const std::string& tag, const std::string& text, const std::string& plugin_name,
                       const std::string& plugin_content) {
  return value_of(tag, string_tensor({}, {text}), plugin_metadata(plugin_name, plugin_content));
}

std::string image_value(const std::string& tag, int width, int height, const std::vector<std::string>& pngs) {
  std::vector<std::string> elements{std::to_string(width), std::to_string(height)};
  elements.insert(elements.end(), pngs.begin(), pngs.end());
  return value_of(tag, string_tensor({static_cast<int64_t>(elements.size())}, elements), plugin_metadata("images"));
}

// Event: wall_time (1), step (2), file_version (3), summary (5); Summary: value (1).
std::string summary_event(double wall_time, int64_t step, const std::string& value) {
  ProtoWriter summary;
  summary.element(1, value);
  ProtoWriter event;
  event.double_field(1, wall_time);
  event.varint_field(2, static_cast<uint64_t>(step));
  event.message_field(5, summary);
  return event.bytes();
}

std::string file_version_event(double wall_time) {
  ProtoWriter event;
  event.double_field(1, wall_time);
  event.bytes_field(3, "brain.Event:2");
  return event.bytes();
}

}  // namespace keras::tensorboard
