// The event-file encoding behind callbacks::TensorBoard: CRC-32C against RFC 3720's check values, records and
// events against bytes computed independently from TensorFlow's record_writer.cc, event.proto, summary.proto and
// tensor.proto (the first record's header is the one in TensorBoard's own reader test, tf_record.rs), histogram_v3's
// buckets, and PNG images read back with zlib.
#include <gtest/gtest.h>

#include <zlib.h>

#include <string>
#include <vector>

#include "support/event_file_reader.hpp"
#include "utils/tensorboard/crc32c.hpp"
#include "utils/tensorboard/event_file_writer.hpp"
#include "utils/tensorboard/png.hpp"
#include "utils/tensorboard/summaries.hpp"

namespace {
namespace tensorboard_events_test {

namespace tb = keras::tensorboard;

std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size();) {
    if (hex[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    i += 2;
  }
  return out;
}

std::string to_hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

TEST(TensorBoardEvents, Crc32cMatchesRfc3720CheckValues) {
  EXPECT_EQ(tb::crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(tb::crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(tb::crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(tb::crc32c(ascending), 0x46DD794Eu);
}

TEST(TensorBoardEvents, FileVersionRecordIsTensorFlowsBytes) {
  const std::string record = tb::tfrecord(tb::file_version_event(1700000000.0));
  EXPECT_EQ(to_hex(record), to_hex(from_hex("1800000000000000 a37f4b22 "
                                            "09 00000040fc54d941 1a0d 627261696e2e4576656e743a32 "
                                            "eced8f9d")));
}

TEST(TensorBoardEvents, ScalarEventIsTensorFlowsBytes) {
  const std::string event = tb::summary_event(1700000001.25, 3, tb::scalar_value("epoch_loss", 0.5f));
  const std::string tensor = "0801 1200 2204 0000003f";        // DT_FLOAT, shape {}, 4 bytes of 0.5f
  const std::string metadata = "0a09 0a07 7363616c617273";     // plugin_data{plugin_name: "scalars"}
  const std::string expected = "09 00005040fc54d941 1003 2a27 0a25 0a0a 65706f63685f6c6f7373 420a " + tensor +
                               " 4a0b " + metadata;
  EXPECT_EQ(to_hex(event), to_hex(from_hex(expected)));
  EXPECT_EQ(to_hex(tb::tfrecord(event).substr(0, 12)), "34000000000000005e33175c");
  EXPECT_EQ(to_hex(tb::tfrecord(event).substr(12 + 52)), "67592e26");
}

TEST(TensorBoardEvents, HistogramIsADoubleTensorOfEdgesAndCounts) {
  const auto value = keras::test_support::event_files::to_event(
      tb::summary_event(1.0, 0, tb::histogram_value("w/histogram", {1, 2, 3, 4}, 2)));
  EXPECT_EQ(value.tag, "w/histogram");
  EXPECT_EQ(value.plugin_name, "histograms");
  EXPECT_EQ(value.plugin_content, "");
  EXPECT_EQ(value.dtype, 2);  // DT_DOUBLE
  EXPECT_EQ(value.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(value.doubles(), (std::vector<double>{1, 2.5, 2, 2.5, 4, 2}));
}

TEST(TensorBoardEvents, HistogramBucketsFollowHistogramV3) {
  // Equal widths from min to max; the maximum lands in the last bucket, which is closed on the right.
  auto rows = tb::histogram_buckets({0, 1, 2, 3, 10}, 5);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], (std::array<double, 3>{0, 2, 2}));
  EXPECT_EQ(rows[1], (std::array<double, 3>{2, 4, 2}));
  EXPECT_EQ(rows[2][2] + rows[3][2], 0);
  EXPECT_EQ(rows[4], (std::array<double, 3>{8, 10, 1}));
  // All values equal: both edges at the value, every count in the last bucket.
  rows = tb::histogram_buckets({0.5, 0.5, 0.5}, 3);
  EXPECT_EQ(rows[0], (std::array<double, 3>{0.5, 0.5, 0}));
  EXPECT_EQ(rows[2], (std::array<double, 3>{0.5, 0.5, 3}));
  // No data: rows of zeros; non-finite values are left out.
  rows = tb::histogram_buckets({}, 30);
  ASSERT_EQ(rows.size(), 30u);
  EXPECT_EQ(rows[29], (std::array<double, 3>{0, 0, 0}));
  rows = tb::histogram_buckets({1, std::nan(""), 3, INFINITY}, 2);
  EXPECT_EQ(rows[0], (std::array<double, 3>{1, 2, 1}));
  EXPECT_EQ(rows[1], (std::array<double, 3>{2, 3, 1}));
}

TEST(TensorBoardEvents, StringTensorsUseStringVal) {
  const auto text = keras::test_support::event_files::to_event(
      tb::summary_event(1.0, 0, tb::text_value("keras", "{\"a\": 1}", "graph_keras_model", "1")));
  EXPECT_EQ(text.dtype, 7);  // DT_STRING
  EXPECT_TRUE(text.shape.empty());
  EXPECT_EQ(text.strings, (std::vector<std::string>{"{\"a\": 1}"}));
  EXPECT_EQ(text.plugin_name, "graph_keras_model");
  EXPECT_EQ(text.plugin_content, "1");
  const auto image =
      keras::test_support::event_files::to_event(tb::summary_event(1.0, 0, tb::image_value("w", 4, 2, {"png"})));
  EXPECT_EQ(image.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(image.strings, (std::vector<std::string>{"4", "2", "png"}));
  EXPECT_EQ(image.plugin_name, "images");
}

uint32_t big_endian(const std::string& png, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
  return v;
}

TEST(TensorBoardEvents, PngHoldsThePixelsRowByRow) {
  const std::vector<uint8_t> pixels{0, 50, 100, 150, 200, 250};  // 2 rows of 3 grey pixels
  const std::string png = tb::encode_png(pixels.data(), 2, 3, 1);
  ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // IHDR: width 3, height 2, depth 8, grey; every chunk's CRC-32 covers its type and data.
  ASSERT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(big_endian(png, 16), 3u);
  EXPECT_EQ(big_endian(png, 20), 2u);
  EXPECT_EQ(png[24], 8);
  EXPECT_EQ(png[25], 0);
  std::string idat;
  for (size_t at = 8; at < png.size();) {
    const uint32_t length = big_endian(png, at);
    const std::string type = png.substr(at + 4, 4);
    const std::string body = png.substr(at + 4, 4 + length);
    EXPECT_EQ(big_endian(png, at + 8 + length),
              ::crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())))
        << type;
    if (type == "IDAT") idat += png.substr(at + 8, length);
    at += 12 + length;
  }
  std::vector<Bytef> raw(8);
  uLongf raw_size = raw.size();
  ASSERT_EQ(::uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()), idat.size()), Z_OK);
  EXPECT_EQ(std::vector<Bytef>(raw.begin(), raw.begin() + static_cast<long>(raw_size)),
            (std::vector<Bytef>{0, 0, 50, 100, 0, 150, 200, 250}));  // each row after filter byte 0
}

}  // namespace tensorboard_events_test
}  // namespace
