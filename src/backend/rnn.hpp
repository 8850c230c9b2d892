#pragma once
// Fused recurrent kernels (oneDNN's RNN primitives on the CPU). oneDNN's LSTM gate order i, f, c~, o and its ldigo
// weight layout are Keras's: kernel (I, 4U), recurrent_kernel (U, 4U), bias (4U) pass through unchanged.
// oneDNN's lbr_gru is Keras's GRU with reset_after=true: its gate order u, r, o is Keras's z, r, h, so kernel (I, 3U)
// and recurrent_kernel (U, 3U) pass through too; only the bias differs (see lbr_gru_forward).
// Sequences are time-major (T, B, features), processed left to right. Each function returns false, doing nothing,
// when oneDNN cannot run the configuration; the caller then runs its own loop.
#include <cstdint>

namespace keras::backend {

struct RnnDims {
  int64_t T, B, I, U;
};
using LstmDims = RnnDims;

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

// Floats the lbr_gru training workspace takes (0 if the configuration is not supported).
int64_t lbr_gru_workspace_floats(const RnnDims& d);

// b: (4, U) = [b_z, b_r, b_h, b_h'] where Keras's (2, 3U) bias [input; recurrent] gives b_z and b_r as the sums of
// their input and recurrent parts, b_h the input part of h and b_h' its recurrent part (inside r * (h@R_h + b_h')).
// y (T, B, U): h at every step; hT: the final state; ws: lbr_gru_workspace_floats(d) floats, or nullptr for inference.
bool lbr_gru_forward(const RnnDims& d, const float* x, const float* h0, const float* W, const float* R, const float* b,
                     float* y, float* hT, float* ws);

// Given the forward's tensors and workspace and the gradients of y and hT: writes dx, dh0 and adds into dW, dR and
// db (4, U).
bool lbr_gru_backward(const RnnDims& d, const float* x, const float* h0, const float* W, const float* R,
                      const float* b, const float* y, const float* hT, const float* ws, const float* dy,
                      const float* dhT, float* dx, float* dh0, float* dW, float* dR, float* db);

}  // namespace keras::backend
