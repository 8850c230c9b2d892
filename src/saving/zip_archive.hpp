#pragma once
// The .keras zip container over libzip: writing a few in-memory entries (stored, as Python's zipfile does by default),
// and reading named entries back into memory with checks against hostile archives. Nothing is ever extracted to disk.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace keras::saving::detail {

// Writes `entries` (name, bytes), in order, uncompressed, to `path` (replacing it; libzip writes a temporary file
// beside it and renames it into place).
void write_zip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries);

// Limits for reading an archive.
struct ZipLimits {
  uint64_t max_file_bytes = uint64_t{16} << 30;      // the archive itself
  uint64_t max_total_bytes = uint64_t{32} << 30;     // sum of all entries' uncompressed sizes
  uint64_t max_entries = 100000;
  std::map<std::string, uint64_t> max_entry_bytes;   // per wanted entry; default 4 GiB
};

// The archive's entry names, and the contents of the `wanted` ones that exist. Checks: the file starts with a zip
// signature; libzip's consistency check passes; at most max_entries entries, none with an absolute path, a ".."
// component, a backslash or a control character, no duplicate names; wanted entries are unencrypted, stored or
// deflated, within their size limit, and read back to exactly their declared size with a matching CRC. Any failure
// is a ValueError naming `display` (the path as the user gave it).
struct ZipContents {
  std::vector<std::string> names;
  std::map<std::string, std::string> entries;
};
ZipContents read_zip(const std::string& path, const std::vector<std::string>& wanted, const ZipLimits& limits,
                     const std::string& display);

// The whole file, at most max_bytes (a ValueError naming `display` beyond that, or when it cannot be read).
std::string read_file_bytes(const std::string& path, uint64_t max_bytes, const std::string& display);

}  // namespace keras::saving::detail
