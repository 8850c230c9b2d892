#pragma once
// The keywords of the image preprocessing layers (RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
// RandomContrast, RandomBrightness, Resizing, CenterCrop). factor=, mode=, interpolation=, seed= and data_format=
// are shared with other layers and declared with them.
#include "keras/layers/spatial_keywords.hpp"
#include "keras/core/kw.hpp"

namespace keras::kw {
// RandomZoom / RandomTranslation: a fraction, or a range {lower, upper}.
KERAS_KEYWORD(height_factor, FloatList);
KERAS_KEYWORD(width_factor, FloatList);
// "reflect", "wrap", "constant" or "nearest": what fills the area a transform brings in from outside the image.
KERAS_KEYWORD(fill_mode, std::string);
KERAS_KEYWORD(fill_value, double);
// RandomContrast / RandomBrightness: the range of the pixel values, {0, 255} by default.
KERAS_KEYWORD(value_range, FloatList);
// Resizing / CenterCrop: the output size.
KERAS_KEYWORD(height, int);
KERAS_KEYWORD(width, int);
KERAS_KEYWORD(crop_to_aspect_ratio, bool);
KERAS_KEYWORD(pad_to_aspect_ratio, bool);
}  // namespace keras::kw
