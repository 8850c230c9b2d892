#pragma once

// The tensor storage cache (src/core/tensor.cpp) keeps freed blocks for reuse. Between phases (loading data,
// fit, evaluate, predict) the sizes change, and blocks cached by one phase only add to the next one's peak
// memory; each phase therefore starts and ends by returning the cache to the system.

namespace keras::detail {

void release_cached_storage();

class StorageCacheScope {
 public:
  StorageCacheScope() { release_cached_storage(); }
  ~StorageCacheScope() { release_cached_storage(); }
  StorageCacheScope(const StorageCacheScope&) = delete;
  StorageCacheScope& operator=(const StorageCacheScope&) = delete;
};

}  // namespace keras::detail
