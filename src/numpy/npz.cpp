// .npz archives (numpy.savez / savez_compressed / NpzFile) through libzip.
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/error_hint.hpp"
#include "keras/core/errors.hpp"
#include "keras/numpy/numpy.hpp"
#include "numpy/npy_format.hpp"

namespace keras::numpy {

namespace {

// Deflate cannot compress better than about 1032:1; a member claiming more is lying about its size.
constexpr uint64_t kMaxDeflateRatio = 1032;
constexpr uint64_t kRatioSlack = 1 << 16;

struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using Archive = std::unique_ptr<zip_t, ZipDiscard>;
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using Member = std::unique_ptr<zip_file_t, ZipFileClose>;



[[noreturn]] void archive_fail(const std::string& source, const std::string& what, const std::string& hint = "") {
  throw ValueError("Cannot load .npz archive " + source + ": " + what,
                   hint_of(hint.empty() ? "the file is not a valid .npz archive, or it is damaged; write it again "
                                           "with numpy.savez."
                                         : hint));
}

std::string zip_message(zip_error_t* err) {
  std::string s = zip_error_strerror(err);
  zip_error_fini(err);
  return s;
}

// Reads up to n bytes; returns how many were read (fewer only at the end of the member). Throws on a libzip error.
size_t read_member(zip_file_t* f, uint8_t* dst, size_t n, const std::string& source) {
  size_t done = 0;
  while (done < n) {
    zip_int64_t r = zip_fread(f, dst + done, n - done);
    if (r < 0) detail::fail(source, std::string("the archive member is damaged: ") + zip_file_strerror(f));
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

Tensor read_npy_member(zip_t* za, zip_uint64_t index, const zip_stat_t& st, const std::string& source) {
  Member f(zip_fopen_index(za, index, 0));
  if (!f) detail::fail(source, std::string("cannot open the archive member: ") + zip_strerror(za));
  const uint64_t declared = st.size;
  // The fixed prefix, then the header, then the data: each checked before anything is allocated for the next.
  uint8_t prefix[12];
  size_t got = read_member(f.get(), prefix, std::min<uint64_t>(sizeof prefix, declared), source);
  size_t total = detail::header_total_length(prefix, got, source);
  if (total > declared)
    detail::fail(source, "the member is truncated: its header needs " + std::to_string(total) +
                             " bytes but the member holds " + std::to_string(declared));
  std::vector<uint8_t> head(total);
  std::memcpy(head.data(), prefix, std::min(got, total));
  if (total > got && read_member(f.get(), head.data() + got, total - got, source) != total - got)
    detail::fail(source, "the member is truncated inside its header");
  detail::NpyHeader h = detail::parse_header(head.data(), head.size(), source);
  detail::check_data_size(h, declared - total, source);
  // The data arrives in chunks, so a member that holds less than it declares never causes a large allocation.
  std::vector<uint8_t> raw;
  const size_t want = static_cast<size_t>(h.data_bytes);
  constexpr size_t kChunk = size_t{16} << 20;
  raw.reserve(std::min(want, kChunk));
  while (raw.size() < want) {
    size_t n = std::min(kChunk, want - raw.size());
    size_t old = raw.size();
    raw.resize(old + n);
    size_t r = read_member(f.get(), raw.data() + old, n, source);
    if (r < n)
      detail::fail(source, "the member is truncated: it ended after " + std::to_string(old + r) + " of the " +
                               std::to_string(want) + " data bytes its header declares");
  }
  if (total + want == declared) {
    // Reading to the end makes libzip verify the member's CRC.
    uint8_t extra;
    if (read_member(f.get(), &extra, 1, source) != 0)
      detail::fail(source, "the member holds more bytes than its declared size");
  }
  return detail::finish(h, detail::allocate_for(h), raw.data());
}

std::map<std::string, Tensor> read_archive(zip_t* za, uint64_t archive_size, const std::string& source) {
  std::map<std::string, Tensor> out;
  zip_int64_t n = zip_get_num_entries(za, 0);
  if (n < 0) archive_fail(source, "cannot list its members");
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_uint64_t index = static_cast<zip_uint64_t>(i);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, index, 0, &st) != 0) archive_fail(source, std::string("cannot read a member: ") + zip_strerror(za));
    if (!(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
      archive_fail(source, "a member's directory entry is incomplete");
    std::string name = st.name;
    if (name.ends_with("/")) continue;  // a directory
    const std::string member = "member " + detail::squote(name) + " of " + source;
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
      detail::fail(member, "encrypted members are not supported");
    if (st.comp_size > archive_size)
      detail::fail(member, "its compressed size (" + std::to_string(st.comp_size) +
                               " bytes) is larger than the whole archive (" + std::to_string(archive_size) + " bytes)");
    uint16_t method = (st.valid & ZIP_STAT_COMP_METHOD) ? st.comp_method : ZIP_CM_STORE;
    if (method == ZIP_CM_STORE) {
      if (st.size != st.comp_size)
        detail::fail(member, "a stored (uncompressed) member declares " + std::to_string(st.size) + " bytes but holds " +
                                 std::to_string(st.comp_size));
    } else if (method == ZIP_CM_DEFLATE) {
      if (st.size > st.comp_size * kMaxDeflateRatio + kRatioSlack)
        detail::fail(member, "it declares " + std::to_string(st.size) + " bytes uncompressed from only " +
                                 std::to_string(st.comp_size) + " compressed, more than deflate can produce");
    } else {
      detail::fail(member, "compression method " + std::to_string(method) +
                               " is not supported (numpy writes stored or deflated members)");
    }
    bool npy_name = name.ends_with(".npy");
    if (!npy_name) {
      // numpy loads any member that starts with the .npy magic as an array, and hands back other members as bytes.
      Member f(zip_fopen_index(za, index, 0));
      if (!f) detail::fail(member, std::string("cannot open the archive member: ") + zip_strerror(za));
      uint8_t magic[6];
      size_t got = read_member(f.get(), magic, std::min<uint64_t>(sizeof magic, st.size), member);
      if (!detail::has_npy_magic(magic, got)) continue;
    }
    std::string key = npy_name ? name.substr(0, name.size() - 4) : name;
    out[key] = read_npy_member(za, index, st, member);
  }
  return out;
}

// Adds one "<key>.npy" member per array; `buffers` keeps the bytes alive until the archive is closed.
void add_members(zip_t* za, const std::map<std::string, Tensor>& arrays, bool compressed,
                 std::vector<std::string>& buffers, const std::string& target) {
  buffers.clear();
  buffers.reserve(arrays.size());
  for (const auto& [key, array] : arrays) {
    if (key.find('\0') != std::string::npos)
      throw ValueError("numpy.savez: an array name contains a NUL character", hint_of("use plain names such as \"x_train\"."));
    buffers.push_back(detail::encode(array));
    const std::string& bytes = buffers.back();
    zip_source_t* src = zip_source_buffer(za, bytes.data(), bytes.size(), 0);
    if (!src) throw ValueError("numpy.savez: cannot write " + target + ": " + zip_strerror(za));
    std::string name = key + ".npy";
    zip_int64_t idx = zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (idx < 0) {
      zip_source_free(src);
      throw ValueError("numpy.savez: cannot add '" + name + "' to " + target + ": " + zip_strerror(za));
    }
    if (zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), compressed ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0)
      throw ValueError("numpy.savez: cannot set compression for '" + name + "': " + zip_strerror(za));
  }
}

// An archive with no members: just the end-of-central-directory record (libzip writes no file for an empty archive,
// numpy writes this).
std::string empty_zip() { return std::string("PK\x05\x06", 4) + std::string(18, '\0'); }

void write_npz(const std::string& path, const std::map<std::string, Tensor>& arrays, bool compressed) {
  std::string target = path.ends_with(".npz") ? path : path + ".npz";
  if (arrays.empty()) {
    std::FILE* f = std::fopen(target.c_str(), "wb");
    std::string bytes = empty_zip();
    bool ok = f && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    int e = errno;
    if (f && std::fclose(f) != 0) ok = false;
    if (!ok)
      throw ValueError("numpy.savez: cannot write '" + target + "': " + std::strerror(e ? e : EIO),
                       hint_of("check that the directory exists and is writable."));
    return;
  }
  int code = 0;
  Archive za(zip_open(target.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code));
  if (!za) {
    zip_error_t err;
    zip_error_init_with_code(&err, code);
    throw ValueError("numpy.savez: cannot create '" + target + "': " + zip_message(&err),
                     hint_of("check that the directory exists and is writable."));
  }
  std::vector<std::string> buffers;
  add_members(za.get(), arrays, compressed, buffers, detail::squote(target));
  if (zip_close(za.get()) != 0)
    throw ValueError("numpy.savez: cannot write '" + target + "': " + zip_strerror(za.get()),
                     hint_of("check that the directory exists and is writable, and that the disk is not full."));
  za.release();  // zip_close freed it
}

}  // namespace

std::map<std::string, Tensor> parse_npz(const void* data, size_t size, const std::string& source_name) {
  const std::string source = detail::squote(source_name);
  static const uint8_t kEmpty = 0;
  const auto* bytes = size ? static_cast<const uint8_t*>(data) : &kEmpty;
  if (!bytes) archive_fail(source, "no data (null pointer)");
  if (size == 0) archive_fail(source, "the file is empty (0 bytes)");
  if (detail::has_npy_magic(bytes, size))
    archive_fail(source, "this is a .npy file, not a .npz archive", "read it with keras::numpy::load.");
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes, size, 0, &err);
  if (!src) archive_fail(source, zip_message(&err));
  Archive za(zip_open_from_source(src, ZIP_RDONLY, &err));
  if (!za) {
    zip_source_free(src);
    archive_fail(source, zip_message(&err));
  }
  zip_error_fini(&err);
  return read_archive(za.get(), size, source);
}

std::map<std::string, Tensor> loads_npz(const std::string& bytes, const std::string& source_name) {
  return parse_npz(bytes.data(), bytes.size(), source_name);
}

std::map<std::string, Tensor> load_npz(const std::string& path) {
  const std::string source = detail::squote(path);
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw ValueError("numpy.load: cannot open the file: [Errno 2] No such file or directory: " + source,
                     hint_of("check the path."));
  if (!std::filesystem::is_regular_file(status))
    throw ValueError("numpy.load: " + source + " is not a regular file", hint_of("check the path."));
  uint64_t archive_size = std::filesystem::file_size(path, ec);
  if (ec) throw ValueError("numpy.load: cannot read " + source + ": " + ec.message(), hint_of("check the path."));
  if (archive_size == 0) archive_fail(source, "the file is empty (0 bytes)");
  {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
      int e = errno;
      throw ValueError("numpy.load: cannot open the file: [Errno " + std::to_string(e) + "] " + std::strerror(e) +
                           ": " + source,
                       hint_of("check the path and its permissions."));
    }
    uint8_t magic[6] = {};
    size_t got = std::fread(magic, 1, sizeof magic, f);
    std::fclose(f);
    if (detail::has_npy_magic(magic, got))
      archive_fail(source, "this is a .npy file, not a .npz archive", "read it with keras::numpy::load.");
  }
  int code = 0;
  Archive za(zip_open(path.c_str(), ZIP_RDONLY, &code));
  if (!za) {
    zip_error_t err;
    zip_error_init_with_code(&err, code);
    archive_fail(source, zip_message(&err));
  }
  return read_archive(za.get(), archive_size, source);
}

void savez(const std::string& path, const std::map<std::string, Tensor>& arrays) { write_npz(path, arrays, false); }

void savez_compressed(const std::string& path, const std::map<std::string, Tensor>& arrays) {
  write_npz(path, arrays, true);
}

std::string dumps_npz(const std::map<std::string, Tensor>& arrays, bool compressed) {
  if (arrays.empty()) return empty_zip();
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!src) throw ValueError("numpy.savez: " + zip_message(&err));
  zip_source_keep(src);  // the archive's close would free it; the bytes are read from it afterwards
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> keep(src, &zip_source_free);
  Archive za(zip_open_from_source(src, ZIP_TRUNCATE, &err));
  if (!za) {
    zip_source_free(src);  // undo the open's failure to take the reference
    throw ValueError("numpy.savez: " + zip_message(&err));
  }
  zip_error_fini(&err);
  std::vector<std::string> buffers;
  add_members(za.get(), arrays, compressed, buffers, "<memory>");
  if (zip_close(za.get()) != 0) throw ValueError(std::string("numpy.savez: ") + zip_strerror(za.get()));
  za.release();
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) != 0)
    throw ValueError(std::string("numpy.savez: cannot read back the archive: ") +
                     zip_error_strerror(zip_source_error(src)));
  std::string out(static_cast<size_t>(st.size), '\0');
  zip_int64_t r = zip_source_read(src, out.data(), st.size);
  zip_source_close(src);
  if (r < 0 || static_cast<zip_uint64_t>(r) != st.size) throw ValueError("numpy.savez: cannot read back the archive");
  return out;
}

}  // namespace keras::numpy
