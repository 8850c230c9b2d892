#include "saving/zip_archive.hpp"

#include <zip.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "keras/core/errors.hpp"

namespace keras::saving::detail {

namespace {

constexpr uint64_t kDefaultEntryLimit = uint64_t{4} << 30;

std::string zip_message(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string out = zip_error_strerror(&e);
  zip_error_fini(&e);
  return out;
}

// Names a zip member may have in a .keras archive: relative, no "..", no backslashes or control characters.
bool safe_entry_name(const std::string& name) {
  if (name.empty() || name.size() > 4096 || name[0] == '/') return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '\\') return false;
  if (name.size() >= 2 && name[1] == ':') return false;  // "C:..."
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0 && end - start == 2) return false;
    start = end + 1;
  }
  return true;
}

std::string printable(const std::string& name) {
  std::string out;
  for (unsigned char c : name.substr(0, 200)) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string read_file_bytes(const std::string& path, uint64_t max_bytes, const std::string& display) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw ValueError("File not found: filepath=" + display + ".",
                     {.received = display, .hint = "check the path; it is relative to the working directory."});
  if (!std::filesystem::is_regular_file(status))
    throw ValueError("Not a regular file: filepath=" + display + ".", {.received = display});
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw ValueError("Cannot read the size of " + display + ": " + ec.message() + ".");
  if (size > max_bytes)
    throw ValueError("The file " + display + " is too large (" + std::to_string(size) + " bytes; the limit is " +
                     std::to_string(max_bytes) + ").");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ValueError("Cannot open " + display + " for reading.");
  std::string bytes(static_cast<size_t>(size), '\0');
  if (size > 0 && !in.read(bytes.data(), static_cast<std::streamsize>(size)))
    throw ValueError("Cannot read " + display + ": the file changed or could not be read completely.");
  return bytes;
}

void write_zip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries) {
  int code = 0;
  zip_t* za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (!za)
    throw ValueError("Cannot create the archive " + path + ": " + zip_message(code) + ".",
                     {.received = path, .hint = "check that the directory exists and is writable."});
  auto fail = [&](const std::string& what) {
    std::string msg = zip_strerror(za);
    zip_discard(za);
    return ValueError("Cannot write the archive " + path + " (" + what + "): " + msg + ".", {.received = path});
  };
  for (const auto& [name, data] : entries) {
    zip_source_t* src = zip_source_buffer(za, data.data(), data.size(), 0);
    if (!src) throw fail(name);
    zip_int64_t index = zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(src);
      throw fail(name);
    }
    if (zip_set_file_compression(za, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) < 0) throw fail(name);
  }
  if (zip_close(za) < 0) throw fail("closing");
}

ZipContents read_zip(const std::string& path, const std::vector<std::string>& wanted, const ZipLimits& limits,
                     const std::string& display) {
  const std::string bytes = read_file_bytes(path, limits.max_file_bytes, display);
  if (bytes.size() < 4 || std::memcmp(bytes.data(), "PK\x03\x04", 4) != 0) {
    bool hdf5 = bytes.size() >= 8 && std::memcmp(bytes.data(), "\x89HDF\r\n\x1a\n", 8) == 0;
    if (hdf5)
      throw NotImplementedError("The file " + display + " is a legacy HDF5 model (tf.keras <= 2.11 wrote that format "
                                "under the .keras name); keraspp does not read legacy HDF5 models yet.");
    throw ValueError("The file " + display + " is not a zip archive, so not a Keras 3 .keras file.",
                     {.received = display, .hint = "pass a file written by model.save(\"m.keras\"); the file may be "
                                                   "damaged or of another format."});
  }
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!src) {
    std::string msg = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw ValueError("Cannot read the archive " + display + ": " + msg + ".");
  }
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!za) {
    std::string msg = zip_error_strerror(&error);
    zip_error_fini(&error);
    zip_source_free(src);
    throw ValueError("The archive " + display + " is damaged or truncated: " + msg + ".",
                     {.received = display, .hint = "save the model again; the file may have been cut short while "
                                                   "copying."});
  }
  zip_error_fini(&error);
  struct Closer {
    zip_t* za;
    ~Closer() { zip_discard(za); }
  } closer{za};

  ZipContents out;
  const zip_int64_t n = zip_get_num_entries(za, 0);
  if (n < 0 || static_cast<uint64_t>(n) > limits.max_entries)
    throw ValueError("The archive " + display + " has too many entries (" + std::to_string(n) + ").");
  std::set<std::string> seen;
  std::map<std::string, zip_uint64_t> index_of;
  uint64_t total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, static_cast<zip_uint64_t>(i), 0, &st) < 0 || !(st.valid & ZIP_STAT_NAME) || !st.name)
      throw ValueError("The archive " + display + " has an unreadable entry (index " + std::to_string(i) + ").");
    const std::string name = st.name;
    if (!safe_entry_name(name))
      throw ValueError("The archive " + display + " has an entry with an unsafe name: '" + printable(name) + "'.",
                       {.received = printable(name),
                        .hint = "a .keras archive holds only relative names such as config.json; this one may be "
                                "hostile."});
    if (!seen.insert(name).second)
      throw ValueError("The archive " + display + " has two entries named '" + printable(name) + "'.",
                       {.received = printable(name), .hint = "the archive is damaged or was tampered with."});
    if (st.valid & ZIP_STAT_SIZE) {
      if (st.size > limits.max_total_bytes || total + st.size > limits.max_total_bytes)
        throw ValueError("The archive " + display + " expands to more than " + std::to_string(limits.max_total_bytes) +
                         " bytes.", {.hint = "the archive may be a zip bomb."});
      total += st.size;
    }
    out.names.push_back(name);
    index_of[name] = static_cast<zip_uint64_t>(i);
  }

  for (const std::string& name : wanted) {
    auto it = index_of.find(name);
    if (it == index_of.end()) continue;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, it->second, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE))
      throw ValueError("The archive " + display + " does not give the size of '" + name + "'.");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
      throw ValueError("The entry '" + name + "' of " + display + " is encrypted.",
                       {.hint = "Keras archives are never encrypted."});
    if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
      throw ValueError("The entry '" + name + "' of " + display + " uses an unsupported compression method (" +
                       std::to_string(st.comp_method) + ").", {.hint = "re-zip it stored or deflated."});
    auto lim = limits.max_entry_bytes.find(name);
    const uint64_t limit = lim == limits.max_entry_bytes.end() ? kDefaultEntryLimit : lim->second;
    if (st.size > limit)
      throw ValueError("The entry '" + name + "' of " + display + " is too large (" + std::to_string(st.size) +
                       " bytes; the limit is " + std::to_string(limit) + ").");
    zip_file_t* zf = zip_fopen_index(za, it->second, 0);
    if (!zf) throw ValueError("Cannot open the entry '" + name + "' of " + display + ": " + zip_strerror(za) + ".");
    std::string data(static_cast<size_t>(st.size), '\0');
    uint64_t got = 0;
    bool failed = false;
    while (got < st.size) {
      zip_int64_t r = zip_fread(zf, data.data() + got, st.size - got);
      if (r < 0) {
        failed = true;
        break;
      }
      if (r == 0) break;
      got += static_cast<uint64_t>(r);
    }
    char extra;
    // Reading past the declared size must give nothing (and lets libzip check the CRC at the end).
    if (!failed && got == st.size && zip_fread(zf, &extra, 1) != 0) failed = true;
    std::string msg = failed ? zip_file_strerror(zf) : "";
    zip_fclose(zf);
    if (failed || got != st.size)
      throw ValueError("The entry '" + name + "' of " + display + " is damaged or truncated" +
                           (msg.empty() ? std::string() : ": " + msg) + ".",
                       {.hint = "save the model again; the file may have been cut short while copying."});
    out.entries[name] = std::move(data);
  }
  return out;
}

}  // namespace keras::saving::detail
