#include "datasets/dataset_files.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/error_hint.hpp"
#include "keras/core/errors.hpp"

namespace keras::datasets::detail {

namespace {

struct GzClose {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzClose>;

[[noreturn]] void bad_file(const std::string& what, const std::string& path, const std::string& why) {
  throw ValueError("Cannot load " + what + " from '" + path + "': " + why,
                   hint_of("the file is damaged or is not the dataset's original IDX file; restore it (for "
                            "Fashion-MNIST: `sudo apt-get install --reinstall dataset-fashion-mnist`)."));
}

// Reads up to n bytes; fewer only at the end of the file.
size_t gz_read(gzFile f, uint8_t* dst, size_t n, const std::string& what, const std::string& path) {
  size_t done = 0;
  while (done < n) {
    unsigned want = static_cast<unsigned>(std::min<size_t>(n - done, size_t{1} << 30));
    int r = gzread(f, dst + done, want);
    if (r < 0) {
      int errnum = 0;
      const char* msg = gzerror(f, &errnum);
      bad_file(what, path, std::string("the gzip data is damaged (") + (msg ? msg : "unknown zlib error") + ")");
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

}  // namespace

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

std::vector<std::string> keras_cache_dirs() {
  std::vector<std::string> dirs;
  const char* keras_home = std::getenv("KERAS_HOME");
  if (keras_home && *keras_home) {
    dirs.push_back(std::string(keras_home) + "/datasets");
  } else {
    const char* home = std::getenv("HOME");
    if (home && *home) dirs.push_back(std::string(home) + "/.keras/datasets");
  }
  dirs.push_back("/tmp/.keras/datasets");
  return dirs;
}

Tensor read_idx_gz(const std::string& path, const std::vector<int64_t>& dims, int64_t max_items,
                   const std::string& what) {
  errno = 0;
  GzFile f(gzopen(path.c_str(), "rb"));
  if (!f) {
    int e = errno ? errno : ENOENT;
    throw ValueError("Cannot open " + what + " '" + path + "': " + std::strerror(e),
                     hint_of("check that the file exists and is readable."));
  }
  gzbuffer(f.get(), 1u << 18);
  uint8_t magic[4];
  if (gz_read(f.get(), magic, 4, what, path) != 4) bad_file(what, path, "the file is empty or truncated");
  if (magic[0] != 0 || magic[1] != 0)
    bad_file(what, path, "not an IDX file (its first two bytes are not zero)");
  if (magic[2] != 0x08) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", magic[2]);
    bad_file(what, path, std::string("IDX data type ") + buf + " is not unsigned bytes (0x08)");
  }
  if (magic[3] != dims.size())
    bad_file(what, path, "the IDX header declares " + std::to_string(magic[3]) + " dimensions, expected " +
                             std::to_string(dims.size()));
  std::vector<uint8_t> header(4 * dims.size());
  if (gz_read(f.get(), header.data(), header.size(), what, path) != header.size())
    bad_file(what, path, "the file is truncated inside its header");
  std::vector<int64_t> shape(dims.size());
  uint64_t total = 1;
  for (size_t k = 0; k < dims.size(); ++k) {
    const uint8_t* b = header.data() + 4 * k;
    int64_t d = static_cast<int64_t>((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3]);
    if (dims[k] >= 0 && d != dims[k])
      bad_file(what, path, "dimension " + std::to_string(k) + " is " + std::to_string(d) + ", expected " +
                               std::to_string(dims[k]));
    if (dims[k] < 0 && d > max_items)
      bad_file(what, path, "dimension " + std::to_string(k) + " is " + std::to_string(d) + ", more than the " +
                               std::to_string(max_items) + " allowed");
    shape[k] = d;
    total *= static_cast<uint64_t>(d);  // bounded: fixed sizes times at most max_items
  }
  // The bytes arrive in chunks, so a header that lies about the size never causes a large allocation.
  std::vector<uint8_t> raw;
  constexpr size_t kChunk = size_t{64} << 20;
  const size_t want = static_cast<size_t>(total);
  while (raw.size() < want) {
    size_t old = raw.size();
    size_t n = std::min(kChunk, want - old);
    raw.resize(old + n);
    size_t r = gz_read(f.get(), raw.data() + old, n, what, path);
    if (r < n)
      bad_file(what, path, "the file is truncated: its header declares " + std::to_string(want) +
                               " bytes of data, but it holds " + std::to_string(old + r));
  }
  uint8_t extra;
  if (gz_read(f.get(), &extra, 1, what, path) != 0)
    bad_file(what, path, "the file holds more data than its header declares (" + std::to_string(want) + " bytes)");
  Tensor t = Tensor::empty(shape);
  float* p = t.data();
  const uint8_t* q = raw.data();
  for (size_t i = 0; i < want; ++i) p[i] = static_cast<float>(q[i]);
  return t.set_dtype("uint8");
}

}  // namespace keras::datasets::detail
