#pragma once
// The process's one oneDNN CPU engine and stream, shared by every oneDNN primitive keraspp runs (convolutions,
// pooling, ...). Internal to src/backend: nothing outside this folder includes dnnl.hpp.
#include <oneapi/dnnl/dnnl.hpp>

namespace keras::backend {

dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

}  // namespace keras::backend
