// BulkSettings: the connection's settings for loading many rows in one transaction, set for the
// life of the object and put back when it goes, even when the load fails. `vigil seed` and
// `vigil import` each choose theirs (BulkOptions). One thread; the caller owns the Database,
// which must outlive it. The constructor throws vigil::Error when SQLite fails; the destructor
// never throws.
#pragma once

#include <cstdint>
#include <string_view>

#include "vigil/store/store.hpp"

namespace vigil::backoffice::bulk_detail {

struct BulkOptions {
  std::int64_t cache_kib = 0;     // the page cache while loading, in KiB
  bool durability_off = false;    // no fsync while loading; full durability afterwards
  bool foreign_keys_off = false;  // no foreign-key look-ups while loading
};

class BulkSettings {
 public:
  BulkSettings(store::Database& db, BulkOptions options);
  ~BulkSettings();
  BulkSettings(const BulkSettings&) = delete;
  BulkSettings& operator=(const BulkSettings&) = delete;

 private:
  std::int64_t pragma_value(std::string_view sql, std::int64_t otherwise);

  store::Database& db_;
  BulkOptions options_;
  std::int64_t cache_size_ = -2000;
  std::int64_t foreign_keys_ = 1;
};

}  // namespace vigil::backoffice::bulk_detail
