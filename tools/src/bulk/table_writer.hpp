// TableWriter: one table's prepared INSERT, with its rows held back and written in key order.
// Used by `vigil seed` (seed/writers.hpp). One thread; the caller owns the Database, which must
// outlive the writer. Throws vigil::Error when SQLite fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/store/store.hpp"

namespace vigil::backoffice::bulk_detail {

// One prepared INSERT, reused for every row of its table.
//
// Every table's primary key is a random UUID, so rows written in the order they are made land
// at random places in each index, and that B-tree work is nearly all of the seed's cost. So rows
// are held back (their values packed into one buffer) and written in key order when flushed:
// neighbouring keys then share index pages. Only the order of writing changes, never a value.
class TableWriter {
 public:
  TableWriter(store::Database& db, std::string table, std::string_view sql);

  // The first value is the row's key (its id, or the leading column of its primary key).
  template <class... Values>
  void insert(const Values&... values) {
    const std::size_t begin = packed_.size();
    (pack(values), ...);
    held_.push_back({begin, packed_.size()});
  }

  // Writes the rows held back, in key order. Parents flush before children (see Writers in
  // seed/writers.hpp).
  void flush();

  std::size_t held_bytes() const { return packed_.size(); }
  const std::string& table() const { return table_; }
  std::int64_t rows() const { return rows_ + static_cast<std::int64_t>(held_.size()); }

 private:
  static constexpr char kNull = 'n';
  static constexpr char kInteger = 'i';
  static constexpr char kText = 't';
  struct Held {
    std::size_t begin;
    std::size_t end;
  };

  void pack(std::int64_t value) {
    packed_ += kInteger;
    packed_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void pack(int value) { pack(static_cast<std::int64_t>(value)); }
  void pack(bool value) { pack(static_cast<std::int64_t>(value)); }
  void pack(std::string_view value) {
    packed_ += kText;
    const auto length = static_cast<std::uint32_t>(value.size());
    packed_.append(reinterpret_cast<const char*>(&length), sizeof length);
    packed_.append(value);
  }
  void pack(const char* value) { pack(std::string_view(value)); }
  void pack(const std::string& value) { pack(std::string_view(value)); }
  void pack(std::nullopt_t) { packed_ += kNull; }
  template <class T>
  void pack(const std::optional<T>& value) {
    if (value) {
      pack(*value);
    } else {
      pack(std::nullopt);
    }
  }

  std::string table_;
  store::Statement statement_;
  std::string packed_;
  std::vector<Held> held_;
  std::int64_t rows_ = 0;
};

}  // namespace vigil::backoffice::bulk_detail
