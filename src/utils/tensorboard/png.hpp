#pragma once
// PNG encoding of 8-bit images, for TensorBoard's image summaries (tf.image.encode_png's role): zlib deflates the
// rows and checksums the chunks.
#include <cstdint>
#include <string>

namespace keras::tensorboard {

// `pixels` is height x width x channels, row-major; channels 1 (grey), 3 (RGB) or 4 (RGBA).
std::string encode_png(const uint8_t* pixels, int height, int width, int channels);

}  // namespace keras::tensorboard
