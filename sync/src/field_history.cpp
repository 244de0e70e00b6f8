#include "field_history.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

#include "vigil/base/digest.hpp"

namespace vigil::sync {

std::string conflict_id(const std::string& entity, const std::string& entity_id,
                        const std::string& field, const std::string& losing_change) {
  // A name-based UUID (version 5 layout) from the conflict's identity.
  std::string hex =
      base::sha256_hex(entity + '\n' + entity_id + '\n' + field + '\n' + losing_change);
  hex[12] = '5';
  hex[16] = "89ab"[hex[16] % 4];
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
         hex.substr(16, 4) + '-' + hex.substr(20, 12);
}

void FieldHistory::record_creation(const std::string& entity, const std::string& entity_id,
                                   const std::string& field, const FieldWrite& write) {
  auto& insert = db_.cached(
      "INSERT OR IGNORE INTO field_writes (entity, entity_id, field, change_id, clock, device_id, "
      "value, base, has_base) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 0)");
  insert.bind_all(entity, entity_id, field, write.change_id, write.clock, write.device_id,
                  write.value);
  insert.run();
}

Settled FieldHistory::write(const std::string& entity, const std::string& entity_id,
                            const std::string& field, const FieldWrite& write,
                            const std::string& detected_at, std::int64_t seq) {
  {
    auto& insert = db_.cached(
        "INSERT OR IGNORE INTO field_writes (entity, entity_id, field, change_id, clock, "
        "device_id, value, base, has_base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind_all(entity, entity_id, field, write.change_id, write.clock, write.device_id,
                    write.value, write.base, write.has_base);
    insert.run();
  }
  std::vector<FieldWrite> writes;
  {
    auto& all = db_.cached(
        "SELECT change_id, clock, device_id, value, base, has_base FROM field_writes WHERE "
        "entity = ? AND entity_id = ? AND field = ? ORDER BY clock, device_id");
    all.bind_all(entity, entity_id, field);
    while (all.step()) {
      writes.push_back({all.column_text(0), all.column_text(1), all.column_text(2),
                        all.column_optional_text(3), all.column_optional_text(4),
                        all.column_int(5) != 0});
    }
  }
  Settled settled;
  settled.standing = writes.back();

  std::set<std::string> decided;
  {
    auto& s = db_.cached(
        "SELECT losing_change FROM conflicts WHERE entity = ? AND entity_id = ? AND field = ? "
        "AND status = 'decided'");
    s.bind_all(entity, entity_id, field);
    while (s.step()) decided.insert(s.column_text(0));
    s.reset();
  }
  std::set<std::string> open;
  const FieldWrite& standing = settled.standing;
  for (std::size_t i = 0; i + 1 < writes.size(); ++i) {
    const FieldWrite& w = writes[i];
    if (w.value == standing.value || decided.count(w.change_id)) continue;
    const bool seen = std::any_of(
        writes.begin() + static_cast<long>(i) + 1, writes.end(), [&](const FieldWrite& later) {
          return later.device_id == w.device_id || (later.has_base && later.base == w.value);
        });
    if (seen) continue;
    const std::string id = conflict_id(entity, entity_id, field, w.change_id);
    open.insert(id);
    auto& upsert = db_.cached(
        "INSERT INTO conflicts (id, entity, entity_id, field, winning_value, losing_value, "
        "winning_change, losing_change, winning_device, losing_device, winning_clock, "
        "losing_clock, detected_at, sync_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET winning_value = excluded.winning_value, "
        "winning_change = excluded.winning_change, winning_device = excluded.winning_device, "
        "winning_clock = excluded.winning_clock, sync_seq = excluded.sync_seq");
    upsert.bind_all(id, entity, entity_id, field, standing.value, w.value, standing.change_id,
                    w.change_id, standing.device_id, w.device_id, standing.clock, w.clock,
                    detected_at, seq);
    upsert.run();
    if (w.change_id == write.change_id || standing.change_id == write.change_id) {
      settled.in_conflict = true;
    }
  }
  // Open conflicts that no longer follow from the writes (a later write saw the value) go.
  auto& stale = db_.cached(
      "SELECT id FROM conflicts WHERE entity = ? AND entity_id = ? AND field = ? AND "
      "status = 'open'");
  stale.bind_all(entity, entity_id, field);
  std::vector<std::string> gone;
  while (stale.step()) {
    if (!open.count(stale.column_text(0))) gone.push_back(stale.column_text(0));
  }
  stale.reset();
  for (const auto& id : gone) {
    db_.cached("DELETE FROM conflicts WHERE id = ?").bind_all(id).run();
  }
  return settled;
}

}  // namespace vigil::sync
