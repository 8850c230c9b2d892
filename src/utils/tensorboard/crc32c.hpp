#pragma once
// CRC-32C (Castagnoli), the checksum of TFRecord files, and TensorFlow's masked form of it
// (tensorflow/tsl/lib/hash/crc32c.h). zlib only has the other polynomial (CRC-32), so it is computed here.
#include <cstdint>
#include <string_view>

namespace keras::tensorboard {

uint32_t crc32c(std::string_view data);
// Rotated right by 15 bits plus a constant: TFRecord stores this, so that a CRC of data that holds CRCs is not weak.
uint32_t masked_crc32c(std::string_view data);

}  // namespace keras::tensorboard
