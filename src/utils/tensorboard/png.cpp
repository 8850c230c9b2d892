#include "utils/tensorboard/png.hpp"

#include <zlib.h>

#include <stdexcept>
#include <vector>

namespace keras::tensorboard {

namespace {

void put_u32_big_endian(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xffu));
}

// A chunk: length, type, data, and the CRC-32 of type and data.
void put_chunk(std::string& out, const char type[5], const std::string& data) {
  put_u32_big_endian(out, static_cast<uint32_t>(data.size()));
  std::string body(type, 4);
  body += data;
  out += body;
  put_u32_big_endian(out, static_cast<uint32_t>(
                              ::crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

int color_type(int channels) {
  switch (channels) {
    case 1: return 0;
    case 3: return 2;
    case 4: return 6;
    default: throw std::invalid_argument("encode_png: channels must be 1, 3 or 4");
  }
}

}  // namespace

std::string encode_png(const uint8_t* pixels, int height, int width, int channels) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  put_u32_big_endian(header, static_cast<uint32_t>(width));
  put_u32_big_endian(header, static_cast<uint32_t>(height));
  header += {8, static_cast<char>(color_type(channels)), 0, 0, 0};  // bit depth, colour, deflate, filter, no interlace
  put_chunk(png, "IHDR", header);

  // Every row starts with filter type 0 (none).
  const size_t row = static_cast<size_t>(width) * static_cast<size_t>(channels);
  std::vector<Bytef> raw;
  raw.reserve((row + 1) * static_cast<size_t>(height));
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);
    raw.insert(raw.end(), pixels + static_cast<size_t>(y) * row, pixels + static_cast<size_t>(y + 1) * row);
  }
  uLongf packed_size = ::compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (::compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, raw.data(), static_cast<uLong>(raw.size()),
                  Z_DEFAULT_COMPRESSION) != Z_OK)
    throw std::runtime_error("encode_png: zlib could not compress the image");
  packed.resize(packed_size);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", "");
  return png;
}

}  // namespace keras::tensorboard
