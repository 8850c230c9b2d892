#pragma once
// Floats below 1.2e-38 (denormals) cost a microcode assist of about a hundred cycles per instruction on x86. Training
// makes them as a matter of course: Adam's first moment of a weight whose input is almost always 0 (an image's border
// pixel) decays by 0.9 a step and is denormal after ~800 steps. On Fashion-MNIST's mlp that alone doubled the epoch.
// TensorFlow, Keras's reference backend, runs every op with flush-to-zero and denormals-are-zero
// (tensorflow/core/platform/denormal.h); keraspp does the same for the length of fit, evaluate and predict, on the
// calling thread and on every OpenMP thread its kernels run on, and gives the caller's settings back afterwards.
#include <vector>

namespace keras::detail {

class FlushDenormalsScope {
 public:
  FlushDenormalsScope();
  ~FlushDenormalsScope();
  FlushDenormalsScope(const FlushDenormalsScope&) = delete;
  FlushDenormalsScope& operator=(const FlushDenormalsScope&) = delete;

 private:
  // One control word per OpenMP thread number; kUnset where that thread took no part.
  std::vector<unsigned> saved_;
};

// True when denormals are flushed on the calling thread (for tests).
bool denormals_flushed();

}  // namespace keras::detail
