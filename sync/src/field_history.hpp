// The writes to each field of a mutable record, and what follows from them: which value stands
// and which writes conflict. Private to sync/.
//
// Each field is a last-writer-wins register over hybrid clocks (equal clocks: the higher device
// id), so every copy ends with the same value whatever order the writes arrive in. A write is in
// conflict when its value was overwritten or refused without anyone seeing it: it is not the
// standing write, its value differs from the standing value, and no later write saw its value
// (had it as base) or came from the same device. Being a function of the set of writes alone,
// the conflicts are the same in any order of arrival; a conflict a supervisor decided stays
// decided.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vigil/store/store.hpp"

namespace vigil::sync {

struct FieldWrite {
  std::string change_id, clock, device_id;
  std::optional<std::string> value;
  std::optional<std::string> base;
  bool has_base = true;  // false: the write that created the record
};

struct Settled {
  FieldWrite standing;       // the write whose value the field now holds
  bool in_conflict = false;  // the new write is on either side of an open conflict
};

class FieldHistory {
 public:
  explicit FieldHistory(store::Database& db) : db_(db) {}
  // Adds the write and settles the field again; `detected_at` and `seq` stamp new conflicts.
  Settled write(const std::string& entity, const std::string& entity_id, const std::string& field,
                const FieldWrite& write, const std::string& detected_at, std::int64_t seq);
  // The writes that create a record: nothing to settle yet.
  void record_creation(const std::string& entity, const std::string& entity_id,
                       const std::string& field, const FieldWrite& write);

 private:
  store::Database& db_;
};

// Conflict ids follow from what conflicts, so settling a field again keeps them.
std::string conflict_id(const std::string& entity, const std::string& entity_id,
                        const std::string& field, const std::string& losing_change);

}  // namespace vigil::sync
