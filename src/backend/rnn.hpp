#pragma once
// Fused recurrent kernels (oneDNN's RNN primitives on the CPU). oneDNN's LSTM gate order i, f, c~, o and its ldigo
// weight layout are Keras's: kernel (I, 4U), recurrent_kernel (U, 4U), bias (4U) pass through unchanged.
// Sequences are time-major (T, B, features), processed left to right. Each function returns false, doing nothing,
// when oneDNN cannot run the configuration; the caller then runs its own loop.
#include <cstdint>

namespace keras::backend {

struct LstmDims {
  int64_t T, B, I, U;
};

// Floats the training workspace takes (0 if the configuration is not supported).
int64_t lstm_workspace_floats(const LstmDims& d);

// y (T, B, U): h at every step; hT, cT: the final states. ws: lstm_workspace_floats(d) floats for training, or
// nullptr for inference.
bool lstm_forward(const LstmDims& d, const float* x, const float* h0, const float* c0, const float* W, const float* R,
                  const float* b, float* y, float* hT, float* cT, float* ws);

// Given the forward's tensors and workspace and the gradients of y, hT and cT: writes dx, dh0, dc0 and adds into
// dW, dR, db.
bool lstm_backward(const LstmDims& d, const float* x, const float* h0, const float* c0, const float* W, const float* R,
                   const float* b, const float* y, const float* hT, const float* cT, const float* ws, const float* dy,
                   const float* dhT, const float* dcT, float* dx, float* dh0, float* dc0, float* dW, float* dR,
                   float* db);

}  // namespace keras::backend
