#include "saving/h5_global_heap.hpp"

#include <hdf5.h>

#include <cstring>
#include <map>
#include <mutex>
#include <type_traits>

#include "keras/core/errors.hpp"

namespace keras::saving::detail {

static_assert(std::is_same_v<hid_t, int64_t>, "h5_global_heap.hpp passes HDF5 ids as int64_t");

namespace {

// The global heap collection layout of the HDF5 file format (version 1, the only one): "GCOL", version, 3 reserved
// bytes, the collection size (a length), padded to 8; then objects, each a header (index u16, reference count u16,
// 4 reserved bytes, size as a length, padded to 8) and its data padded to 8. Index 0 is the free space, whose size
// counts its header and is not padded; a tail too short for a header is free space without one.
constexpr size_t kMinCollection = 4096;  // H5HG_MINSIZE: the library never writes a smaller collection
constexpr uint8_t kCollectionVersion = 1;

uint64_t decode_le(const unsigned char* p, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

// The objects of one collection as HDF5 1.10.8 would index them: index -> data size. Empty `why` when the
// collection parses safely.
struct Collection {
  std::map<uint32_t, uint64_t> objects;
  std::string why;
};

Collection parse_collection(std::string_view file, uint64_t addr, H5Widths w) {
  Collection c;
  const auto* bytes = reinterpret_cast<const unsigned char*>(file.data());
  const size_t header = align8(8 + w.size);
  const size_t object_header = align8(8 + w.size);
  if (addr >= file.size() || file.size() - addr < header) {
    c.why = "lies outside the file (" + std::to_string(file.size()) + " bytes)";
    return c;
  }
  const unsigned char* base = bytes + addr;
  if (std::memcmp(base, "GCOL", 4) != 0) {
    c.why = "has no GCOL signature";
    return c;
  }
  if (base[4] != kCollectionVersion) {
    c.why = "has version " + std::to_string(base[4]) + ", not 1";
    return c;
  }
  const uint64_t size = decode_le(base + 8, w.size);
  if (size < kMinCollection || size > file.size() - addr) {
    c.why = "declares " + std::to_string(size) + " bytes, " +
            (size < kMinCollection ? "fewer than the 4096 of any collection"
                                   : "past the end of the file (" + std::to_string(file.size()) + " bytes)");
    return c;
  }
  // The library's parse: every step must move forward and stay inside the collection, or it loops forever (a free
  // space object of size 0) or reads past its buffer.
  size_t pos = header;
  while (pos < size) {
    if (size - pos < object_header) break;  // tail free space without a header
    const unsigned char* p = base + pos;
    const uint32_t index = static_cast<uint32_t>(decode_le(p, 2));
    const uint64_t object_size = decode_le(p + 8, w.size);
    const uint64_t room = size - pos;
    uint64_t need;
    if (index == 0) {
      need = object_size;  // the free space counts its own header
      if (need < object_header) {
        c.why = "has a free-space entry of " + std::to_string(object_size) + " bytes at offset " + std::to_string(pos) +
                " (HDF5 would read it forever)";
        return c;
      }
    } else {
      need = object_size > room ? room + 1 : object_header + align8(object_size);
    }
    if (need > room) {
      c.why = "has an object of " + std::to_string(object_size) + " bytes at offset " + std::to_string(pos) +
              " that runs past its end";
      return c;
    }
    if (index != 0) c.objects[index] = object_size;
    pos += static_cast<size_t>(need);
  }
  return c;
}

std::string describe_element(size_t element, const VlenRef& r) {
  return "element " + std::to_string(element) + " points to global heap collection " + std::to_string(r.collection) +
         ", object " + std::to_string(r.index);
}

}  // namespace

bool decode_vlen_refs(std::string_view raw, size_t count, H5Widths w, std::vector<VlenRef>& out) {
  const size_t element = 8 + w.addr;
  if (w.addr < 2 || w.addr > 8 || count > raw.size() / element || raw.size() != count * element) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  out.clear();
  out.reserve(count);
  for (size_t i = 0; i < count; ++i, p += element)
    out.push_back({static_cast<uint32_t>(decode_le(p, 4)), decode_le(p + 4, w.addr),
                   static_cast<uint32_t>(decode_le(p + 4 + w.addr, 4))});
  return true;
}

std::string check_vlen_refs(std::string_view file, const std::vector<VlenRef>& refs, H5Widths w, size_t base_size) {
  if (w.size < 2 || w.size > 8 || w.addr < 2 || w.addr > 8)
    return "the file declares " + std::to_string(w.addr) + "-byte addresses and " + std::to_string(w.size) +
           "-byte lengths";
  std::map<uint64_t, Collection> seen;  // a list attribute's strings share one or two collections
  for (size_t i = 0; i < refs.size(); ++i) {
    const VlenRef& r = refs[i];
    if (r.collection == 0) continue;  // a null element: HDF5 does not read the heap
    auto [it, fresh] = seen.try_emplace(r.collection);
    if (fresh) it->second = parse_collection(file, r.collection, w);
    const Collection& c = it->second;
    if (!c.why.empty()) return describe_element(i, r) + ", which " + c.why;
    if (r.index == 0) return describe_element(i, r) + ", the collection's free space";
    auto obj = c.objects.find(r.index);
    if (obj == c.objects.end()) return describe_element(i, r) + ", which the collection does not hold";
    // HDF5 copies the whole object into a buffer sized by the length: they must agree.
    if (base_size == 0 || r.length > UINT64_MAX / base_size || uint64_t{r.length} * base_size != obj->second)
      return describe_element(i, r) + " of " + std::to_string(obj->second) + " bytes, but declares " +
             std::to_string(r.length) + " elements of " + std::to_string(base_size) + " bytes";
  }
  return {};
}

namespace {

// Tags the opaque memory type that asks for raw variable-length elements.
constexpr char kRawTag[] = "keraspp raw variable-length elements";

// An HDF5 soft conversion from any variable-length type to the tagged opaque type of the same size. It leaves the
// bytes alone, so H5Aread hands back the stored (length, collection, index) triples without reading the heap.
herr_t keep_raw(hid_t src, hid_t dst, H5T_cdata_t* cdata, size_t, size_t, size_t, void*, void*, hid_t) {
  switch (cdata->command) {
    case H5T_CONV_INIT: {
      if (H5Tget_class(dst) != H5T_OPAQUE || H5Tget_size(src) != H5Tget_size(dst)) return -1;
      char* tag = H5Tget_tag(dst);
      const bool ours = tag != nullptr && std::strcmp(tag, kRawTag) == 0;
      H5free_memory(tag);
      if (!ours) return -1;
      cdata->need_bkg = H5T_BKG_NO;
      return 0;
    }
    case H5T_CONV_CONV:
      return H5Tget_size(src) == H5Tget_size(dst) ? 0 : -1;
    case H5T_CONV_FREE:
      return 0;
  }
  return -1;
}

bool register_keep_raw() {
  hid_t vlen = H5Tcopy(H5T_C_S1);
  hid_t opaque = H5Tcreate(H5T_OPAQUE, 16);
  const bool ok = vlen >= 0 && opaque >= 0 && H5Tset_size(vlen, H5T_VARIABLE) >= 0 &&
                  H5Tset_tag(opaque, kRawTag) >= 0 &&
                  H5Tregister(H5T_PERS_SOFT, "keraspp_keep_raw_vlen", vlen, opaque, keep_raw) >= 0;
  if (vlen >= 0) H5Tclose(vlen);
  if (opaque >= 0) H5Tclose(opaque);
  return ok;
}

class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Id() {
    if (id_ >= 0) close_(id_);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

}  // namespace

void check_vlen_attribute(int64_t attr, std::string_view file, const std::string& where, const std::string& source) {
  auto corrupted = [&](const std::string& why) {
    return ValueError("The HDF5 file " + source + " is corrupted: the attribute " + where + " cannot be read safely (" +
                          why + ").",
                      {.received = source, .hint = "the file is damaged; save the model or weights again."});
  };
  static const bool registered = register_keep_raw();
  if (!registered) throw ValueError("Could not set up HDF5 to check the attribute " + where + ".");

  Id space(H5Aget_space(attr), H5Sclose);
  Id type(H5Aget_type(attr), H5Tclose);
  Id file_id(H5Iget_file_id(attr), H5Fclose);
  Id fcpl(file_id.ok() ? H5Fget_create_plist(file_id.get()) : -1, H5Pclose);
  const hssize_t n = space.ok() ? H5Sget_simple_extent_npoints(space.get()) : -1;
  size_t addr_width = 0, size_width = 0;
  if (n < 0 || !type.ok() || !fcpl.ok() || H5Pget_sizes(fcpl.get(), &addr_width, &size_width) < 0)
    throw ValueError("Cannot read the attribute " + where + ".");
  const H5Widths widths{static_cast<unsigned>(addr_width), static_cast<unsigned>(size_width)};
  if (n == 0) return;
  // A string's elements are bytes; a sequence's are its base type as stored (only strings are read here).
  size_t base_size = 1;
  if (H5Tget_class(type.get()) == H5T_VLEN) {
    Id super(H5Tget_super(type.get()), H5Tclose);
    base_size = super.ok() ? H5Tget_size(super.get()) : 0;
  }
  const size_t count = static_cast<size_t>(n);
  const size_t element = 8 + widths.addr;
  const hsize_t stored = H5Aget_storage_size(attr);
  if (widths.addr < 2 || widths.addr > 8 || count > SIZE_MAX / element || stored != count * element)
    throw corrupted("it holds " + std::to_string(stored) + " bytes for " + std::to_string(count) + " elements");
  Id raw_type(H5Tcreate(H5T_OPAQUE, element), H5Tclose);
  if (!raw_type.ok() || H5Tset_tag(raw_type.get(), kRawTag) < 0)
    throw ValueError("Could not set up HDF5 to check the attribute " + where + ".");
  std::string raw(count * element, '\0');
  if (H5Aread(attr, raw_type.get(), raw.data()) < 0) throw ValueError("Cannot read the attribute " + where + ".");
  std::vector<VlenRef> refs;
  if (!decode_vlen_refs(raw, count, widths, refs)) throw corrupted("its elements cannot be decoded");
  if (std::string why = check_vlen_refs(file, refs, widths, base_size); !why.empty()) throw corrupted(why);
}

}  // namespace keras::saving::detail
