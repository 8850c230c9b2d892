#include "saving/h5_attributes.hpp"

#include <cstring>
#include <set>
#include <vector>

namespace keras::saving::detail {

namespace {

// The HDF5 file format (object headers, attribute, datatype and dataspace messages), as 1.10.8 reads it.
constexpr unsigned kAttributeMessage = 0x0C;
constexpr unsigned kContinuationMessage = 0x10;
constexpr unsigned kSharedMessage = 0x02;        // message flag: the body points to a shared message
constexpr unsigned kTimesStored = 0x20;          // version 2 header flags
constexpr unsigned kPhaseChangeStored = 0x10;
constexpr unsigned kCreationOrderTracked = 0x04;
constexpr unsigned kMaxAttributeRank = 32;
constexpr int kMaxTypeDepth = 16;                // nested compound / array / vlen / enum types
constexpr size_t kMaxChunks = size_t{1} << 16;  // continuation chunks of one header (the library sets no bound)

uint64_t le(const unsigned char* p, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

// The length of the NUL-terminated string at `p` (without the NUL), or npos when no NUL is within `avail` bytes.
size_t c_string_length(const unsigned char* p, size_t avail) {
  const void* nul = std::memchr(p, 0, avail);
  return nul ? static_cast<size_t>(static_cast<const unsigned char*>(nul) - p) : std::string::npos;
}

// The encoded length of a dataspace message and its number of points (the library's product of the dimensions,
// wrapping as its 64-bit arithmetic does).
bool dataspace_length(const unsigned char* p, size_t avail, unsigned size_width, size_t& used, uint64_t& points) {
  if (avail < 4) return false;
  const unsigned version = p[0], rank = p[1], flags = p[2];
  if (version < 1 || version > 2 || rank > kMaxAttributeRank) return false;
  const size_t header = version == 1 ? 8 : 4;
  const unsigned type = version == 1 ? (rank > 0 ? 1u : 0u) : p[3];  // scalar, simple, null
  if (type > 2 || header > avail) return false;
  const size_t dims = size_t{rank} * size_width * ((flags & 0x01) ? 2 : 1);  // current, then maximum sizes
  if (dims > avail - header) return false;
  points = type == 2 ? 0 : 1;
  for (unsigned i = 0; type != 2 && i < rank; ++i) points *= le(p + header + size_t{i} * size_width, size_width);
  used = header + dims;
  return true;
}

// Why the attribute message at `m` (`size` bytes) would make the library read outside it; "" when it would not.
std::string check_attribute(const unsigned char* m, size_t size, H5Widths w) {
  if (size < 8) return "it is shorter than an attribute's header";
  const unsigned version = m[0];
  if (version < 1 || version > 3) return "it has version " + std::to_string(version);
  const unsigned flags = version >= 2 ? m[1] : 0;
  if (flags != 0)
    return "its datatype or dataspace is shared with another object (flags " + std::to_string(flags) +
           "), which keraspp does not read";
  const size_t name_size = le(m + 2, 2), type_size = le(m + 4, 2), space_size = le(m + 6, 2);
  const bool padded = version == 1;  // version 1 pads the name, datatype and dataspace to 8 bytes
  size_t pos = version >= 3 ? 9 : 8;
  if (pos > size) return "it is shorter than an attribute's header";
  // The library copies the name up to its NUL, then checks its length against name_size.
  if (name_size == 0 || name_size > size - pos || c_string_length(m + pos, size - pos) != name_size - 1)
    return "its name is not a string of the stated " + std::to_string(name_size) + " bytes";
  pos += padded ? align8(name_size) : name_size;
  size_t used = 0;
  uint64_t element = 0;
  if (pos > size || type_size > size - pos || !datatype_length(m + pos, type_size, used, element))
    return "its datatype does not fit in the stated " + std::to_string(type_size) + " bytes";
  pos += padded ? align8(type_size) : type_size;
  uint64_t points = 0;
  if (pos > size || space_size > size - pos || !dataspace_length(m + pos, space_size, w.size, used, points))
    return "its dataspace does not fit in the stated " + std::to_string(space_size) + " bytes";
  pos += padded ? align8(space_size) : space_size;
  if (pos > size) return "its parts run past the message";
  const uint64_t data = points * element;  // what the library copies (64-bit arithmetic, wrapping like it)
  if (data > size - pos)
    return "it declares " + std::to_string(data) + " bytes of data where the message holds " +
           std::to_string(size - pos);
  return {};
}

}  // namespace

bool datatype_length(const unsigned char* p, size_t avail, size_t& used, uint64_t& size, int depth) {
  if (depth > kMaxTypeDepth || avail < 8) return false;
  const uint32_t head = static_cast<uint32_t>(le(p, 4));
  const unsigned version = (head >> 4) & 0x0f, type_class = head & 0x0f;
  const uint32_t bits = head >> 8;
  size = le(p + 4, 4);
  if (version < 1 || version > 3 || size == 0) return false;
  size_t pos = 8;
  auto skip = [&](size_t n) {
    if (n > avail - pos) return false;
    pos += n;
    return true;
  };
  auto name = [&] {  // NUL-terminated, padded to 8 bytes before version 3
    const size_t n = c_string_length(p + pos, avail - pos);
    return n != std::string::npos && skip(version >= 3 ? n + 1 : align8(n + 1));
  };
  auto nested = [&](uint64_t& nested_size) {
    size_t n = 0;
    if (!datatype_length(p + pos, avail - pos, n, nested_size, depth + 1)) return false;
    pos += n;
    return true;
  };
  uint64_t base = 0;
  switch (type_class) {
    case 0:  // integer: bit offset, precision
    case 4:  // bitfield
      if (!skip(4)) return false;
      break;
    case 1:  // float: bit offset, precision, exponent and mantissa layout, exponent bias
      if (!skip(12)) return false;
      break;
    case 2:  // time: precision
      if (!skip(2)) return false;
      break;
    case 3:  // string
    case 7:  // reference
      break;
    case 5:  // opaque: its tag
      if (!skip(bits & 0xff)) return false;
      break;
    case 6: {  // compound: name, byte offset, (version 1: array dimensions), type of each member
      const uint32_t members = bits & 0xffff;
      if (members == 0) return false;
      unsigned offset_width = 1;  // version 3 stores offsets in as few bytes as the compound's size needs
      while (offset_width < 4 && (size >> (8 * offset_width)) != 0) ++offset_width;
      for (uint32_t i = 0; i < members; ++i)
        if (!name() || !skip(version >= 3 ? offset_width : 4) || (version == 1 && !skip(28)) || !nested(base))
          return false;
      break;
    }
    case 8: {  // enumeration: base type, names, values
      const uint32_t members = bits & 0xffff;
      if (!nested(base)) return false;
      for (uint32_t i = 0; i < members; ++i)
        if (!name()) return false;
      if (members != 0 && base > (avail - pos) / members) return false;
      pos += static_cast<size_t>(members * base);
      break;
    }
    case 9:  // variable-length sequence or string: base type
      if (!nested(base)) return false;
      break;
    case 10: {  // array: rank, (reserved), dimensions, (permutation), base type
      if (!skip(1)) return false;
      const unsigned rank = p[pos - 1];
      if (rank > kMaxAttributeRank || (version < 3 && !skip(3)) || !skip(4 * size_t{rank}) ||
          (version < 3 && !skip(4 * size_t{rank})) || !nested(base))
        return false;
      break;
    }
    default:
      return false;
  }
  used = pos;
  return true;
}

std::string check_attribute_messages(std::string_view file, uint64_t address, H5Widths w) {
  const auto* f = reinterpret_cast<const unsigned char*>(file.data());
  const uint64_t n = file.size();
  const std::string at = "the object header at byte " + std::to_string(address);
  if (w.addr < 2 || w.addr > 8 || w.size < 2 || w.size > 8) return at + " is in a file of unsupported widths";
  if (address >= n || n - address < 16) return at + " lies outside the file";
  struct Chunk {
    uint64_t begin, end;  // the message area
  };
  std::vector<Chunk> chunks;
  bool v2 = false, creation_order = false;
  if (std::memcmp(f + address, "OHDR", 4) == 0) {
    v2 = true;
    const unsigned flags = f[address + 5];
    if (f[address + 4] != 2) return at + " has an unknown version";
    creation_order = flags & kCreationOrderTracked;
    uint64_t pos = address + 6 + ((flags & kTimesStored) ? 16 : 0) + ((flags & kPhaseChangeStored) ? 4 : 0);
    const unsigned width = 1u << (flags & 0x03);
    if (pos + width > n) return at + " lies outside the file";
    const uint64_t size = le(f + pos, width);
    pos += width;
    if (size > n - pos || n - pos - size < 4) return at + " declares a first chunk past the end of the file";
    chunks.push_back({pos, pos + size});
  } else if (f[address] == 1) {
    const uint64_t size = le(f + address + 8, 4);
    if (size > n - address - 16) return at + " declares a first chunk past the end of the file";
    chunks.push_back({address + 16, address + 16 + size});
  } else {
    return at + " has an unknown version";
  }
  const uint64_t message_header = v2 ? (creation_order ? 6 : 4) : 8;
  std::set<uint64_t> seen{address};
  for (size_t c = 0; c < chunks.size(); ++c) {
    const Chunk chunk = chunks[c];
    for (uint64_t pos = chunk.begin; chunk.end - pos >= message_header;) {
      const unsigned type = v2 ? f[pos] : static_cast<unsigned>(le(f + pos, 2));
      const uint64_t size = le(f + pos + (v2 ? 1 : 2), 2);
      const unsigned flags = f[pos + (v2 ? 3 : 4)];
      const uint64_t body = pos + message_header;
      if (size > chunk.end - body)
        return at + " has a message at byte " + std::to_string(pos) + " that runs past its chunk";
      if (type == kAttributeMessage) {
        if (flags & kSharedMessage)
          return at + " has a shared attribute message at byte " + std::to_string(pos) +
                 ", which keraspp does not read";
        if (std::string why = check_attribute(f + body, static_cast<size_t>(size), w); !why.empty())
          return at + " has a damaged attribute message at byte " + std::to_string(pos) + ": " + why;
      } else if (type == kContinuationMessage) {
        if (size < w.addr + w.size) return at + " has a damaged continuation message";
        const uint64_t addr = le(f + body, w.addr), length = le(f + body + w.addr, w.size);
        if (addr >= n || length > n - addr || length < (v2 ? 8 : 0))
          return at + " continues at byte " + std::to_string(addr) + " (" + std::to_string(length) +
                 " bytes), outside the file";
        if (v2 && std::memcmp(f + addr, "OCHK", 4) != 0)
          return at + " continues at byte " + std::to_string(addr) + ", which is not a continuation chunk";
        if (seen.insert(addr).second) {
          if (chunks.size() >= kMaxChunks) return at + " has too many continuation chunks";
          chunks.push_back(v2 ? Chunk{addr + 4, addr + length - 4} : Chunk{addr, addr + length});
        }
      }
      pos = body + size;
    }
  }
  return {};
}

}  // namespace keras::saving::detail
