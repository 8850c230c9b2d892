#include "saving/h5_store.hpp"

#include <hdf5.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <set>

#include "keras/core/errors.hpp"
#include "saving/h5_attributes.hpp"
#include "saving/h5_global_heap.hpp"

namespace keras::saving::detail {

namespace {

constexpr char kSignature[] = "\x89HDF\r\n\x1a\n";
constexpr int kMaxDatasetRank = 32;
constexpr hsize_t kMaxLinks = 1u << 20;

// The Debian HDF5 library is not built thread-safe: every call goes through one lock.
std::recursive_mutex& h5_mutex() {
  static std::recursive_mutex m;
  return m;
}

// Holds the lock and silences HDF5's own error printing (failures become ValueErrors instead).
class Session {
 public:
  Session() : lock_(h5_mutex()) {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~Session() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

 private:
  std::lock_guard<std::recursive_mutex> lock_;
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// An HDF5 identifier closed by `close` when it goes out of scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      if (id_ >= 0) close_(id_);
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

std::string unique_image_name() {
  static std::atomic<uint64_t> counter{0};
  return "keraspp-in-memory-weights-" + std::to_string(counter++) + ".h5";
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string vars_path(const std::string& path) { return path.empty() ? "vars" : path + "/vars"; }

// H5Lexists (and H5Aexists, in H5Reader::Impl) answer negative when HDF5 cannot read a group's links or an
// object's attributes: a damaged file, which must not pass for an absent entry.
bool link_exists(hid_t loc, const std::string& name, const std::string& source) {
  const htri_t exists = H5Lexists(loc, name.c_str(), H5P_DEFAULT);
  if (exists < 0)
    throw ValueError("Cannot look up the HDF5 entry '" + name + "' in " + source + ": the file is damaged.",
                     {.received = source, .hint = "the file is damaged; save the model or weights again."});
  return exists > 0;
}


}  // namespace

// ---- writer ----

struct H5Writer::Impl {
  hid_t file = -1;
};

H5Writer::H5Writer() : impl_(std::make_unique<Impl>()) {
  Session s;
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 1 << 16, 0) < 0)
    throw ValueError("Could not set up an in-memory HDF5 file for the weights.");
  impl_->file = H5Fcreate(unique_image_name().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (impl_->file < 0) throw ValueError("Could not create an in-memory HDF5 file for the weights.");
}

H5Writer::~H5Writer() {
  Session s;
  if (impl_->file >= 0) H5Fclose(impl_->file);
}

void H5Writer::write_vars(const std::string& path, const std::string& object_name, const std::vector<Tensor>& values,
                          const std::vector<std::string>& keys) {
  Session s;
  const std::string gpath = vars_path(path);
  auto fail = [&](const std::string& what) {
    return ValueError("Could not write the weights group '" + gpath + "': " + what + ".");
  };
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  if (!lcpl.ok() || H5Pset_create_intermediate_group(lcpl.get(), 1) < 0) throw fail("link properties");
  Handle group(H5Gcreate2(impl_->file, gpath.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!group.ok()) throw fail("the group exists already or cannot be created");
  if (!object_name.empty()) {
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!type.ok() || H5Tset_size(type.get(), H5T_VARIABLE) < 0 || H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0)
      throw fail("string type");
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attr(H5Acreate2(group.get(), "name", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    const char* text = object_name.c_str();
    if (!attr.ok() || H5Awrite(attr.get(), type.get(), &text) < 0) throw fail("attribute 'name'");
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const Tensor& t = values[i];
    if (!t.defined()) throw fail("variable " + std::to_string(i) + " is undefined");
    std::vector<hsize_t> dims(t.dims().begin(), t.dims().end());
    Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                              : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                 H5Sclose);
    if (!space.ok()) throw fail("dataspace of variable " + std::to_string(i));
    const bool as_int64 = t.dtype() == "int64";
    const std::string key = i < keys.size() ? keys[i] : std::to_string(i);
    Handle ds(H5Dcreate2(group.get(), key.c_str(), as_int64 ? H5T_STD_I64LE : H5T_IEEE_F32LE,
                         space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose);
    if (!ds.ok()) throw fail("dataset " + std::to_string(i));
    if (t.size() == 0) continue;
    herr_t rc;
    if (as_int64) {
      std::vector<int64_t> ints(static_cast<size_t>(t.size()));
      for (int64_t k = 0; k < t.size(); ++k) ints[static_cast<size_t>(k)] = static_cast<int64_t>(t.data()[k]);
      rc = H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ints.data());
    } else {
      rc = H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data());
    }
    if (rc < 0) throw fail("data of variable " + std::to_string(i));
  }
}

namespace {

// The object at `path` ("" or "/" is the root), created with its parents when `create` is set.
Handle writer_group(hid_t file, const std::string& path, bool create) {
  const std::string p = path.empty() ? "/" : path;
  if (p == "/") return Handle(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
  htri_t exists = H5Lexists(file, p.c_str(), H5P_DEFAULT);
  if (exists > 0) return Handle(H5Gopen2(file, p.c_str(), H5P_DEFAULT), H5Gclose);
  if (!create) return Handle(-1, H5Gclose);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  if (!lcpl.ok() || H5Pset_create_intermediate_group(lcpl.get(), 1) < 0) return Handle(-1, H5Gclose);
  return Handle(H5Gcreate2(file, p.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
}

Handle vlen_string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.ok() || H5Tset_size(type.get(), H5T_VARIABLE) < 0 || H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0)
    throw ValueError("Could not create an HDF5 string type.");
  return type;
}

}  // namespace

void H5Writer::create_group(const std::string& path) {
  Session s;
  if (!writer_group(impl_->file, path, true).ok()) throw ValueError("Could not create the HDF5 group '" + path + "'.");
}

void H5Writer::write_dataset(const std::string& path, const Tensor& t) {
  Session s;
  const size_t slash = path.rfind('/');
  Handle group = writer_group(impl_->file, slash == std::string::npos ? "" : path.substr(0, slash), true);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (!group.ok() || name.empty()) throw ValueError("Could not create the HDF5 dataset '" + path + "'.");
  std::vector<hsize_t> dims(t.dims().begin(), t.dims().end());
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
               H5Sclose);
  const bool as_int64 = t.dtype() == "int64";  // an optimizer's iteration count, as Keras writes it
  Handle ds(space.ok() ? H5Dcreate2(group.get(), name.c_str(), as_int64 ? H5T_STD_I64LE : H5T_IEEE_F32LE, space.get(),
                                    H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                       : -1,
            H5Dclose);
  if (!ds.ok()) throw ValueError("Could not create the HDF5 dataset '" + path + "'.");
  std::vector<int64_t> ints;
  if (as_int64)
    for (int64_t k = 0; k < t.size(); ++k) ints.push_back(static_cast<int64_t>(t.data()[k]));
  if (t.size() > 0 && H5Dwrite(ds.get(), as_int64 ? H5T_NATIVE_INT64 : H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                               as_int64 ? static_cast<const void*>(ints.data()) : t.data()) < 0)
    throw ValueError("Could not write the HDF5 dataset '" + path + "'.");
}

void H5Writer::write_string_attr(const std::string& path, const std::string& name, const std::string& value) {
  Session s;
  Handle group = writer_group(impl_->file, path, true);
  Handle type = vlen_string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(group.ok() ? H5Acreate2(group.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT) : -1,
              H5Aclose);
  const char* text = value.c_str();
  if (!attr.ok() || H5Awrite(attr.get(), type.get(), &text) < 0)
    throw ValueError("Could not write the HDF5 attribute '" + name + "' of '" + path + "'.");
}

void H5Writer::write_string_list_attr(const std::string& path, const std::string& name,
                                      const std::vector<std::string>& values) {
  Session s;
  Handle group = writer_group(impl_->file, path, true);
  Handle type = vlen_string_type();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle attr(group.ok() ? H5Acreate2(group.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT) : -1,
              H5Aclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!attr.ok() || (n > 0 && H5Awrite(attr.get(), type.get(), ptrs.data()) < 0))
    throw ValueError("Could not write the HDF5 attribute '" + name + "' of '" + path + "'.");
}

std::string H5Writer::image() {
  Session s;
  if (H5Fflush(impl_->file, H5F_SCOPE_GLOBAL) < 0) throw ValueError("Could not finish the in-memory weights file.");
  ssize_t n = H5Fget_file_image(impl_->file, nullptr, 0);
  if (n <= 0) throw ValueError("Could not read back the in-memory weights file.");
  std::string bytes(static_cast<size_t>(n), '\0');
  if (H5Fget_file_image(impl_->file, bytes.data(), static_cast<size_t>(n)) != n)
    throw ValueError("Could not read back the in-memory weights file.");
  return bytes;
}

// ---- reader ----

struct H5Reader::Impl {
  hid_t file = -1;
  // The file's bytes: HDF5 reads them in place (see the image callbacks below) and the global heap and attribute
  // checks read them.
  std::string image;
  H5Widths widths;
  std::set<haddr_t> checked_headers;  // objects whose attribute messages passed check_attribute_messages

  // Whether `obj` (the group at `path`) has the attribute `name`. H5Aexists decodes the object's attribute
  // messages, which HDF5 1.10.8 does without bounds: they are checked first, once per object.
  bool attr_exists(hid_t obj, const std::string& path, const std::string& name, const std::string& source) {
    H5O_info_t info;
    if (H5Oget_info2(obj, &info, H5O_INFO_BASIC) < 0)
      throw ValueError("Cannot read the HDF5 object '/" + path + "' in " + source + ": the file is damaged.",
                       {.received = source, .hint = "the file is damaged; save the model or weights again."});
    if (!checked_headers.count(info.addr)) {
      if (std::string why = check_attribute_messages(image, info.addr, widths); !why.empty())
        throw ValueError("The HDF5 file " + source + " is corrupted: the attributes of '/" + path +
                             "' cannot be read safely (" + why + ").",
                         {.received = source, .hint = "the file is damaged; save the model or weights again."});
      checked_headers.insert(info.addr);
    }
    const htri_t exists = H5Aexists(obj, name.c_str());
    if (exists < 0)
      throw ValueError("Cannot look up the attribute '" + name + "' of '/" + path + "' in " + source +
                           ": the file is damaged.",
                       {.received = source, .hint = "the file is damaged; save the model or weights again."});
    return exists > 0;
  }

  // Opens the group at `parts` (hard links to groups only); an invalid handle if a link is missing.
  Handle open_group(const std::vector<std::string>& parts, const std::string& source) const {
    Handle cur(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
    for (const std::string& part : parts) {
      if (!link_is(cur.get(), part, H5O_TYPE_GROUP, source)) return Handle(-1, H5Gclose);
      Handle next(H5Gopen2(cur.get(), part.c_str(), H5P_DEFAULT), H5Gclose);
      if (!next.ok()) throw ValueError("Cannot open the HDF5 group '" + part + "' in " + source + ".");
      cur = std::move(next);
    }
    return cur;
  }

  // Whether `name` in `loc` is a hard link to an object of this type; anything else there is an error.
  static bool link_is(hid_t loc, const std::string& name, H5O_type_t type, const std::string& source) {
    if (name.empty() || name == "." || name.find('\0') != std::string::npos) return false;
    if (!link_exists(loc, name, source)) return false;
    H5L_info_t linfo;
    if (H5Lget_info(loc, name.c_str(), &linfo, H5P_DEFAULT) < 0 || linfo.type != H5L_TYPE_HARD)
      throw ValueError("The HDF5 entry '" + name + "' in " + source + " is not a plain (hard) link.",
                       {.hint = "the file was not written by Keras; re-save the weights with Keras or keraspp."});
    H5O_info_t info;
    if (H5Oget_info_by_name2(loc, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
      throw ValueError("Cannot read the HDF5 entry '" + name + "' in " + source + ".");
    if (info.type != type)
      throw ValueError("The HDF5 entry '" + name + "' in " + source + " is a " +
                       (info.type == H5O_TYPE_GROUP ? "group" : info.type == H5O_TYPE_DATASET ? "dataset" : "named type") +
                       " where a " + (type == H5O_TYPE_GROUP ? "group" : "dataset") + " was expected.",
                       {.hint = "the file is not a Keras weights file, or it is damaged."});
    return true;
  }
};

namespace {

// File image callbacks that hand HDF5 the reader's own buffer instead of copies (H5Pset_file_image copies the image
// into the property list, and the core driver again on open): one copy of a large weights file, not three. The
// buffer is the reader's `image`, which outlives the property lists and the file (closed with H5F_CLOSE_STRONG);
// the file is read-only, so the driver never writes to it or grows it.
void* image_malloc(size_t size, H5FD_file_image_op_t op, void* udata) {
  auto* image = static_cast<std::string*>(udata);
  if (op == H5FD_FILE_IMAGE_OP_PROPERTY_LIST_GET || size != image->size()) return nullptr;
  return image->data();
}
void* image_memcpy(void* dest, const void* src, size_t, H5FD_file_image_op_t, void*) {
  return dest == src ? dest : nullptr;  // only ever asked to copy the buffer onto itself
}
void* image_realloc(void*, size_t, H5FD_file_image_op_t, void*) { return nullptr; }
herr_t image_free(void*, H5FD_file_image_op_t, void*) { return 0; }
void* udata_copy(void* udata) { return udata; }
herr_t udata_free(void*) { return 0; }

}  // namespace

H5Reader::H5Reader(std::string bytes, std::string source) : impl_(std::make_unique<Impl>()), source_(std::move(source)) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0)
    throw ValueError("Not an HDF5 file: " + source_ + " does not start with the HDF5 signature.",
                     {.hint = "pass a .weights.h5 file written by model.save_weights (Keras 3 or keraspp)."});
  impl_->image = std::move(bytes);
  std::string& image = impl_->image;
  Session s;
  H5FD_file_image_callbacks_t callbacks{image_malloc, image_memcpy, image_realloc, image_free,
                                        udata_copy,   udata_free,   &image};
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 1 << 16, 0) < 0 ||
      H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG) < 0 ||
      H5Pset_file_image_callbacks(fapl.get(), &callbacks) < 0 ||
      H5Pset_file_image(fapl.get(), image.data(), image.size()) < 0)
    throw ValueError("Could not set up HDF5 to read " + source_ + ".");
  impl_->file = H5Fopen(unique_image_name().c_str(), H5F_ACC_RDONLY, fapl.get());
  if (impl_->file < 0)
    throw ValueError("Could not open " + source_ + " as an HDF5 file: it is damaged or truncated.",
                     {.hint = "save the weights again; the file may have been cut short while copying."});
  Handle fcpl(H5Fget_create_plist(impl_->file), H5Pclose);
  size_t addr_width = 0, size_width = 0;
  if (!fcpl.ok() || H5Pget_sizes(fcpl.get(), &addr_width, &size_width) < 0)
    throw ValueError("Could not read the layout of " + source_ + " as an HDF5 file: it is damaged.");
  impl_->widths = {static_cast<unsigned>(addr_width), static_cast<unsigned>(size_width)};
}

H5Reader::~H5Reader() {
  Session s;
  if (impl_->file >= 0) H5Fclose(impl_->file);
}

std::optional<size_t> H5Reader::count_vars(const std::string& path) {
  Session s;
  Handle g = impl_->open_group(split_path(vars_path(path)), source_);
  if (!g.ok()) return std::nullopt;
  H5G_info_t info;
  if (H5Gget_info(g.get(), &info) < 0)
    throw ValueError("Cannot list the HDF5 group '" + vars_path(path) + "' in " + source_ + ".");
  if (info.nlinks > kMaxLinks)
    throw ValueError("The HDF5 group '" + vars_path(path) + "' in " + source_ + " has too many entries (" +
                     std::to_string(info.nlinks) + ").");
  return static_cast<size_t>(info.nlinks);
}

namespace {

struct DatasetInfo {
  std::vector<int64_t> shape;
  bool integer = false;
};

DatasetInfo inspect(hid_t ds, const std::string& where) {
  DatasetInfo out;
  Handle space(H5Dget_space(ds), H5Sclose);
  if (!space.ok()) throw ValueError("Cannot read the shape of " + where + ".");
  H5S_class_t cls = H5Sget_simple_extent_type(space.get());
  if (cls == H5S_SIMPLE) {
    int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > kMaxDatasetRank) throw ValueError("The dataset " + where + " has an unsupported rank.");
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0)
      throw ValueError("Cannot read the shape of " + where + ".");
    for (hsize_t d : dims) {
      if (d > static_cast<hsize_t>(INT64_MAX / 2)) throw ValueError("The dataset " + where + " is impossibly large.");
      out.shape.push_back(static_cast<int64_t>(d));
    }
  } else if (cls != H5S_SCALAR) {
    throw ValueError("The dataset " + where + " has no data (an HDF5 null dataspace).");
  }
  Handle type(H5Dget_type(ds), H5Tclose);
  if (!type.ok()) throw ValueError("Cannot read the type of " + where + ".");
  H5T_class_t tc = H5Tget_class(type.get());
  size_t size = H5Tget_size(type.get());
  if (tc == H5T_FLOAT && (size == 4 || size == 8)) return out;
  if (tc == H5T_INTEGER && size >= 1 && size <= 8) {
    out.integer = true;
    return out;
  }
  throw ValueError("The dataset " + where + " has an unsupported type (HDF5 class " + std::to_string(static_cast<int>(tc)) +
                       ", " + std::to_string(size) + " bytes); keraspp reads float32, float64 and integer weights.",
                   {.hint = "save the weights in float32 (bfloat16 and float16 weights are not supported yet)."});
}


}  // namespace

std::vector<int64_t> H5Reader::var_shape(const std::string& path, size_t index) {
  Session s;
  const std::string where = "'" + vars_path(path) + "/" + std::to_string(index) + "' in " + source_;
  Handle g = impl_->open_group(split_path(vars_path(path)), source_);
  const std::string key = std::to_string(index);
  if (!g.ok() || !Impl::link_is(g.get(), key, H5O_TYPE_DATASET, source_))
    throw ValueError("The weights file has no dataset " + where + ".",
                     {.hint = "the file's variables of this layer are numbered 0, 1, ... without gaps in Keras files."});
  Handle ds(H5Dopen2(g.get(), key.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) throw ValueError("Cannot open the dataset " + where + ".");
  return inspect(ds.get(), where).shape;
}

Tensor H5Reader::read_var(const std::string& path, size_t index, const std::vector<int64_t>& expected) {
  Session s;
  const std::string where = "'" + vars_path(path) + "/" + std::to_string(index) + "' in " + source_;
  Handle g = impl_->open_group(split_path(vars_path(path)), source_);
  const std::string key = std::to_string(index);
  if (!g.ok() || !Impl::link_is(g.get(), key, H5O_TYPE_DATASET, source_))
    throw ValueError("The weights file has no dataset " + where + ".");
  Handle ds(H5Dopen2(g.get(), key.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) throw ValueError("Cannot open the dataset " + where + ".");
  DatasetInfo info = inspect(ds.get(), where);
  if (info.shape != expected)
    throw ValueError("The dataset " + where + " has shape " + shape_text(info.shape) + ", expected " +
                     shape_text(expected) + ".");
  Tensor t = Tensor::zeros(expected);
  if (t.size() > 0 && H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data()) < 0)
    throw ValueError("Cannot read the data of " + where + ": the file is damaged or truncated.",
                     {.hint = "save the weights again; the file may have been cut short while copying."});
  if (info.integer) t.set_dtype("int64");
  return t;
}

namespace {

constexpr hsize_t kMaxAttrStrings = 1u << 20;
constexpr size_t kMaxAttrBytes = size_t{256} << 20;

// Reads one string attribute's elements (scalar or 1-D); an empty numeric array reads as no strings.
std::vector<std::string> read_strings(hid_t attr, const std::string& where, std::string_view file,
                                      const std::string& source) {
  Handle space(H5Aget_space(attr), H5Sclose);
  if (!space.ok()) throw ValueError("Cannot read the attribute " + where + ".");
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0 || static_cast<hsize_t>(n) > kMaxAttrStrings || H5Sget_simple_extent_ndims(space.get()) > 1)
    throw ValueError("The attribute " + where + " has an unsupported shape.");
  Handle type(H5Aget_type(attr), H5Tclose);
  if (!type.ok()) throw ValueError("Cannot read the type of the attribute " + where + ".");
  const H5T_class_t tc = H5Tget_class(type.get());
  if (tc != H5T_STRING) {
    if (n == 0) return {};
    throw ValueError("The attribute " + where + " holds no strings (HDF5 class " + std::to_string(static_cast<int>(tc)) +
                     ").", {.hint = "the file was not written by Keras, or it is damaged."});
  }
  std::vector<std::string> out;
  if (n == 0) return out;
  const size_t count = static_cast<size_t>(n);
  if (H5Tis_variable_str(type.get()) > 0) {
    // HDF5 follows each element into the global heap and trusts what it finds there: check first.
    check_vlen_attribute(attr, file, where, source);
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!mem.ok() || H5Tset_size(mem.get(), H5T_VARIABLE) < 0 || H5Tset_cset(mem.get(), H5Tget_cset(type.get())) < 0)
      throw ValueError("Cannot read the attribute " + where + ".");
    std::vector<char*> ptrs(count, nullptr);
    if (H5Aread(attr, mem.get(), ptrs.data()) < 0) throw ValueError("Cannot read the attribute " + where + ".");
    size_t total = 0;
    for (char* p : ptrs) {
      std::string v = p ? std::string(p, strnlen(p, kMaxAttrBytes)) : std::string();
      total += v.size();
      out.push_back(std::move(v));
    }
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
    if (total > kMaxAttrBytes) throw ValueError("The attribute " + where + " is too large.");
    return out;
  }
  const size_t size = H5Tget_size(type.get());
  if (size == 0 || size > kMaxAttrBytes / count) throw ValueError("The attribute " + where + " is too large.");
  std::string buffer(size * count, '\0');
  Handle mem(H5Tcopy(type.get()), H5Tclose);
  if (!mem.ok() || H5Aread(attr, mem.get(), buffer.data()) < 0)
    throw ValueError("Cannot read the attribute " + where + ".");
  for (size_t i = 0; i < count; ++i) {
    const char* p = buffer.data() + i * size;
    out.emplace_back(p, strnlen(p, size));
  }
  return out;
}

}  // namespace

bool H5Reader::has_group(const std::string& path) {
  Session s;
  return impl_->open_group(split_path(path), source_).ok();
}

bool H5Reader::has_attr(const std::string& path, const std::string& name) {
  Session s;
  Handle g = impl_->open_group(split_path(path), source_);
  return g.ok() && impl_->attr_exists(g.get(), path, name, source_);
}

std::optional<std::string> H5Reader::string_attr(const std::string& path, const std::string& name) {
  Session s;
  Handle g = impl_->open_group(split_path(path), source_);
  if (!g.ok() || !impl_->attr_exists(g.get(), path, name, source_)) return std::nullopt;
  const std::string where = "'" + name + "' of '/" + path + "' in " + source_;
  Handle attr(H5Aopen(g.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) throw ValueError("Cannot open the attribute " + where + ".");
  std::vector<std::string> v = read_strings(attr.get(), where, impl_->image, source_);
  if (v.size() != 1) throw ValueError("The attribute " + where + " is not one string.");
  return v[0];
}

std::optional<std::vector<std::string>> H5Reader::string_list_attr(const std::string& path, const std::string& name) {
  Session s;
  Handle g = impl_->open_group(split_path(path), source_);
  if (!g.ok()) return std::nullopt;
  auto read = [&](const std::string& attr_name) {
    const std::string where = "'" + attr_name + "' of '/" + path + "' in " + source_;
    Handle attr(H5Aopen(g.get(), attr_name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!attr.ok()) throw ValueError("Cannot open the attribute " + where + ".");
    return read_strings(attr.get(), where, impl_->image, source_);
  };
  if (impl_->attr_exists(g.get(), path, name, source_)) return read(name);
  // Keras splits a list too long for one HDF5 object header into name0, name1, ...
  std::vector<std::string> out;
  size_t chunk = 0;
  for (; impl_->attr_exists(g.get(), path, name + std::to_string(chunk), source_); ++chunk) {
    if (chunk > 4096) throw ValueError("The attribute '" + name + "' in " + source_ + " has too many chunks.");
    for (auto& v : read(name + std::to_string(chunk))) out.push_back(std::move(v));
  }
  if (chunk == 0) return std::nullopt;
  return out;
}

namespace {

// Opens the dataset at `path` (hard links only); a ValueError naming it when it is missing.
Handle open_dataset(hid_t file, const std::vector<std::string>& parts, const std::string& path, const std::string& source) {
  if (parts.empty()) throw ValueError("The weights file " + source + " has no dataset '" + path + "'.");
  Handle cur(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    Handle next(-1, H5Gclose);
    H5O_info_t info;
    if (link_exists(cur.get(), parts[i], source) &&
        H5Oget_info_by_name2(cur.get(), parts[i].c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
        info.type == H5O_TYPE_GROUP)
      next = Handle(H5Gopen2(cur.get(), parts[i].c_str(), H5P_DEFAULT), H5Gclose);
    if (!next.ok()) throw ValueError("The weights file " + source + " has no dataset '" + path + "'.");
    cur = std::move(next);
  }
  H5O_info_t info;
  if (!link_exists(cur.get(), parts.back(), source) ||
      H5Oget_info_by_name2(cur.get(), parts.back().c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
      info.type != H5O_TYPE_DATASET)
    throw ValueError("The weights file " + source + " has no dataset '" + path + "'.",
                     {.hint = "the file's weight_names list a dataset that is missing: the file is damaged."});
  Handle ds(H5Dopen2(cur.get(), parts.back().c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) throw ValueError("Cannot open the dataset '" + path + "' in " + source + ".");
  return ds;
}

}  // namespace

std::vector<int64_t> H5Reader::dataset_shape(const std::string& path) {
  Session s;
  Handle ds = open_dataset(impl_->file, split_path(path), path, source_);
  return inspect(ds.get(), "'" + path + "' in " + source_).shape;
}

Tensor H5Reader::read_dataset(const std::string& path, const std::vector<int64_t>& expected) {
  Session s;
  const std::string where = "'" + path + "' in " + source_;
  Handle ds = open_dataset(impl_->file, split_path(path), path, source_);
  DatasetInfo info = inspect(ds.get(), where);
  if (info.shape != expected)
    throw ValueError("The dataset " + where + " has shape " + shape_text(info.shape) + ", expected " +
                     shape_text(expected) + ".");
  Tensor t = Tensor::zeros(expected);
  if (t.size() > 0 && H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data()) < 0)
    throw ValueError("Cannot read the data of " + where + ": the file is damaged or truncated.");
  return t;
}

}  // namespace keras::saving::detail
