#pragma once
// The process's one oneDNN CPU engine and stream, shared by every oneDNN primitive keraspp runs (convolutions,
// pooling, ...). Internal to src/backend: nothing outside this folder includes dnnl.hpp.
#include <oneapi/dnnl/dnnl.hpp>

namespace keras::backend {

dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();
// A oneDNN memory object over data the caller owns (primitives take non-const handles, even for their inputs).
dnnl::memory wrap(const dnnl::memory::desc& md, const void* data);

inline constexpr dnnl::memory::data_type kF32 = dnnl::memory::data_type::f32;

}  // namespace keras::backend
