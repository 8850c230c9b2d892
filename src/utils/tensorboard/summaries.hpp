#pragma once
// The summaries TensorBoard's plugins read, encoded as TensorFlow 2's tf.summary writes them: each event holds one
// Summary.Value with its tag, the data as a TensorProto (dtype, shape, raw little-endian tensor_content, or
// string_val for strings) and the plugin's SummaryMetadata. Field numbers: tensorflow/core/framework/summary.proto,
// tensor.proto and tensorflow/core/util/event.proto.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace keras::tensorboard {

// tf.summary.scalar: a float32 rank-0 tensor, plugin "scalars". (TensorBoard refuses float64 scalars.)
std::string scalar_value(const std::string& tag, float value);

// tf.summary.histogram (TensorBoard's histogram_v3): a float64 [buckets, 3] tensor of (left edge, right edge,
// count) rows, plugin "histograms".
std::string histogram_value(const std::string& tag, const std::vector<double>& data, int bucket_count = 30);

// histogram_v3's buckets: `bucket_count` equal-width buckets from min to max, the last one closed on the right (so
// max counts); all-equal data puts every count in the last bucket with both edges at the value; no data gives rows
// of zeros. Non-finite values are left out (they have no place on TensorBoard's axis).
std::vector<std::array<double, 3>> histogram_buckets(const std::vector<double>& data, int bucket_count);

// A rank-0 string tensor with the given plugin metadata, as Keras's keras_model_summary writes the model's JSON
// (plugin "graph_keras_model", content "1").
std::string text_value(const std::string& tag, const std::string& text, const std::string& plugin_name,
                       const std::string& plugin_content);

// tf.summary.image: a string tensor [width, height, png...], plugin "images".
std::string image_value(const std::string& tag, int width, int height, const std::vector<std::string>& pngs);

// An Event holding one Summary.Value (from the functions above), at `step` and `wall_time` seconds.
std::string summary_event(double wall_time, int64_t step, const std::string& value);
// The first event of every file: file_version "brain.Event:2".
std::string file_version_event(double wall_time);

}  // namespace keras::tensorboard
