#pragma once
// A guard for variable-length HDF5 data (the string attributes of legacy .h5 files: model_config, layer_names,
// weight_names). HDF5 stores each element as (length, global heap collection address, object index) and trusts the
// collection it points to: in Debian 12's HDF5 1.10.8 a damaged collection makes H5Aread spin forever (a free-space
// object of size 0 never advances the parser), read past its buffers (an object larger than its collection, an index
// that is not there) or allocate gigabytes (a length of 2^32). These functions read the raw references without
// letting HDF5 follow them and check every collection they name against the file's bytes first, so that H5Aread
// is only called on collections that HDF5 can parse. hdf5.h stays inside the .cpp (ids are passed as int64_t, the
// width of hid_t).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keras::saving::detail {

// HDF5 pads names, messages and heap objects to multiples of 8 bytes.
inline size_t align8(uint64_t n) { return static_cast<size_t>((n + 7) / 8 * 8); }

// One variable-length element as stored in the file: its length (in elements of the base type), and the heap object
// that holds its bytes. Collection address 0 is a null element, which HDF5 never reads from the heap.
struct VlenRef {
  uint32_t length = 0;
  uint64_t collection = 0;
  uint32_t index = 0;
};

// The file's address and length widths (superblock "size of offsets" and "size of lengths", 2 to 8 bytes).
struct H5Widths {
  unsigned addr = 8;
  unsigned size = 8;
};

// Decodes `count` raw elements (4-byte length, `widths.addr`-byte address, 4-byte index, little-endian each).
// Returns false when `raw` does not hold exactly that many.
bool decode_vlen_refs(std::string_view raw, size_t count, H5Widths widths, std::vector<VlenRef>& out);

// Checks that HDF5 1.10.8 can read every referenced object from `file` (the whole file image, address 0 at its
// start): each collection lies inside the file and has the "GCOL" signature, version 1 and a size of at least 4096
// bytes; its objects, parsed as the library parses them, tile it exactly and each advances the parser; the object
// exists, is not the free-space object (index 0), and holds exactly `length * base_size` bytes. Returns "" when all
// is well, else why not (for the error message).
std::string check_vlen_refs(std::string_view file, const std::vector<VlenRef>& refs, H5Widths widths,
                            size_t base_size);

// For a variable-length attribute: reads its raw elements (no heap access) and checks them as above. Throws
// ValueError "The HDF5 file <source> is corrupted: ..." naming the attribute (`where`) when HDF5 must not read it.
// Must be called with the HDF5 lock held (from inside an h5_store Session).
void check_vlen_attribute(int64_t attr, std::string_view file, const std::string& where, const std::string& source);

}  // namespace keras::saving::detail
