// TableWriter's writing of what it held back (table_writer.hpp).
#include "bulk/table_writer.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace vigil::backoffice::bulk_detail {

TableWriter::TableWriter(store::Database& db, std::string table, std::string_view sql)
    : table_(std::move(table)), statement_(db.prepare(sql)) {}

void TableWriter::flush() {
  auto row_of = [&](const Held& h) {
    return std::string_view(packed_.data() + h.begin, h.end - h.begin);
  };
  // Each row starts with its key packed as text of a fixed length, so comparing the packed
  // bytes compares keys.
  std::sort(held_.begin(), held_.end(),
            [&](const Held& a, const Held& b) { return row_of(a) < row_of(b); });
  for (const Held& h : held_) {
    int index = 0;
    for (std::size_t at = h.begin; at < h.end;) {
      const char tag = packed_[at++];
      ++index;
      if (tag == kNull) {
        statement_.bind(index, std::nullopt);
      } else if (tag == kInteger) {
        std::int64_t value = 0;
        std::memcpy(&value, packed_.data() + at, sizeof value);
        at += sizeof value;
        statement_.bind(index, value);
      } else {
        std::uint32_t length = 0;
        std::memcpy(&length, packed_.data() + at, sizeof length);
        at += sizeof length;
        statement_.bind(index, std::string_view(packed_.data() + at, length));
        at += length;
      }
    }
    statement_.run();
  }
  rows_ += static_cast<std::int64_t>(held_.size());
  // Give the memory back: a stage's big tables would otherwise keep it through later stages.
  std::vector<Held>().swap(held_);
  std::string().swap(packed_);
}

}  // namespace vigil::backoffice::bulk_detail
