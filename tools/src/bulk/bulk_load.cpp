// BulkSettings (bulk_load.hpp): each setting is read, changed and put back in the same order for
// every caller, so what a caller did not ask to change is never touched.
#include "bulk/bulk_load.hpp"

#include <string>

namespace vigil::backoffice::bulk_detail {

BulkSettings::BulkSettings(store::Database& db, BulkOptions options) : db_(db), options_(options) {
  cache_size_ = pragma_value("PRAGMA cache_size", cache_size_);
  if (options_.foreign_keys_off) foreign_keys_ = pragma_value("PRAGMA foreign_keys", foreign_keys_);
  if (options_.durability_off) db_.set_durability(store::Durability::off);
  // A negative cache size is in KiB; SQLite takes the memory only as pages are used.
  db_.execute("PRAGMA cache_size = -" + std::to_string(options_.cache_kib));
  // Only takes effect outside a transaction.
  if (options_.foreign_keys_off) db_.execute("PRAGMA foreign_keys = OFF");
}

BulkSettings::~BulkSettings() {
  try {
    if (options_.durability_off) db_.set_durability(store::Durability::full);
    // A pragma's value cannot be bound; this one is SQLite's own number, not input.
    db_.execute("PRAGMA cache_size = " + std::to_string(cache_size_));
    if (options_.foreign_keys_off) {
      db_.execute(foreign_keys_ != 0 ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
    }
  } catch (...) {
    // Destructors never throw; the connection keeps the bulk settings until it closes, and only
    // its speed would suffer.
  }
}

// The pragma's value as SQLite gives it, or `otherwise` when it gives none.
std::int64_t BulkSettings::pragma_value(std::string_view sql, std::int64_t otherwise) {
  auto statement = db_.prepare(sql);
  return statement.step() ? statement.column_int(0) : otherwise;
}

}  // namespace vigil::backoffice::bulk_detail
