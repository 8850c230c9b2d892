#include "backend/flush_denormals.hpp"

#include <omp.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define KERASPP_HAVE_MXCSR 1
#endif

namespace keras::detail {

namespace {

constexpr unsigned kUnset = ~0u;

#ifdef KERASPP_HAVE_MXCSR
constexpr unsigned kFlushToZero = 0x8000;      // MXCSR.FTZ: denormal results become 0
constexpr unsigned kDenormalsAreZero = 0x0040;  // MXCSR.DAZ: denormal inputs read as 0
unsigned control_word() { return _mm_getcsr(); }
void set_control_word(unsigned w) { _mm_setcsr(w); }
#else
// Elsewhere the scope changes nothing: the cost is speed, never the result.
constexpr unsigned kFlushToZero = 0, kDenormalsAreZero = 0;
unsigned control_word() { return 0; }
void set_control_word(unsigned) {}
#endif

}  // namespace

FlushDenormalsScope::FlushDenormalsScope() : saved_(static_cast<size_t>(omp_get_max_threads()), kUnset) {
  const size_t n = saved_.size();
  // The same team size as the kernels' parallel regions, so libgomp hands this region the same pool threads.
#pragma omp parallel num_threads(static_cast<int>(n))
  {
    const auto t = static_cast<size_t>(omp_get_thread_num());
    if (t < n) {
      saved_[t] = control_word();
      set_control_word(saved_[t] | kFlushToZero | kDenormalsAreZero);
    }
  }
}

FlushDenormalsScope::~FlushDenormalsScope() {
  const size_t n = saved_.size();
#pragma omp parallel num_threads(static_cast<int>(n))
  {
    const auto t = static_cast<size_t>(omp_get_thread_num());
    if (t < n && saved_[t] != kUnset) set_control_word(saved_[t]);
  }
}

bool denormals_flushed() {
  const unsigned both = kFlushToZero | kDenormalsAreZero;
  return both != 0 && (control_word() & both) == both;
}

}  // namespace keras::detail
