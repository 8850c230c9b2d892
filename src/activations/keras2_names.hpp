#pragma once
// Activations keraspp keeps for files written by Keras 1 and 2, under names of their own (not Keras names).

namespace keras::activations::detail {

// Keras 2's hard_sigmoid, clip(0.2 x + 0.5, 0, 1), which Keras 3 replaced by relu6(x + 3) / 6 under the same name.
// Loading a Keras 2 file maps "hard_sigmoid" to it (saving/model_config.cpp); saving it into a Keras 3 file is a
// ValueError, since Keras 3 has no activation computing it.
inline constexpr const char* kKeras2HardSigmoid = "hard_sigmoid_keras2";

}  // namespace keras::activations::detail
