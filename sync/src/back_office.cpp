#include "vigil/sync/back_office.hpp"

#include "checks.hpp"
#include "values.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/store/officers.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/hlc.hpp"

// Table and column names in the SQL below come only from the entity table (entities.cpp).
namespace vigil::sync {

void log_back_office_writes(store::Database& db, const std::vector<BackOfficeWrite>& writes,
                            Instant now) {
  if (writes.empty()) return;
  if (store::single_int(db, "SELECT EXISTS (SELECT 1 FROM devices)") == 0) return;
  Names names(db);
  const std::int64_t wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  HybridClock clock([wall_ms] { return wall_ms; });
  const std::string received = format_instant(now);
  auto& log = db.cached(
      "INSERT INTO changes (change_id, device_id, entity, entity_id, operation, fields, clock, "
      "device_time, received_at, outcome, applied, team_id, left_team_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied', ?, ?, ?)");
  for (const auto& write : writes) {
    const EntitySpec* spec = find_entity(write.entity);
    if (spec == nullptr || !spec->held_on_tablet()) {
      throw Error(ErrorCode::internal, "the back office logged a write of '" + write.entity +
                                           "', which tablets do not hold");
    }
    auto read = db.prepare("SELECT " + record_columns(*spec) + " FROM " + std::string(spec->table) +
                           " x WHERE x.id = ?");
    read.bind_all(write.id);
    if (!read.step()) {
      throw Error(ErrorCode::internal, "the back office logged a write of " + write.entity + " " +
                                           write.id + ", which is not there");
    }
    const std::string fields = encode_fields(record_fields(*spec, read, 0, names));
    const auto team = spec->force_wide() ? std::optional<std::string>(kEveryTablet)
                                         : team_of(db, spec->name, write.id);
    const bool moved = write.previous_team && team && *write.previous_team != *team;
    const Operation operation = !write.created         ? Operation::update
                                : spec->mutable_record ? Operation::create
                                                       : Operation::append;
    const std::string stamp = format_stamp(clock.now());
    log.bind_all(base::make_time_ordered_uuid(), kBackOfficeDevice, spec->name, write.id,
                 std::string(to_string(operation)), fields, stamp, received, received, fields, team,
                 moved ? write.previous_team : std::nullopt);
    log.run();
    const std::int64_t seq = db.last_insert_rowid();
    auto& stamp_record =
        db.cached("UPDATE " + std::string(spec->table) +
                  " SET sync_seq = ?, sync_clock = ?, sync_device_id = ? WHERE id = ?");
    stamp_record.bind_all(seq, stamp, kBackOfficeDevice, write.id);
    stamp_record.run();
  }
}

void open_change_log(store::Database& db, const std::string& officer_id, Instant now) {
  if (store::single_int(db, "SELECT EXISTS (SELECT 1 FROM changes)") == 0) {
    log_back_office_writes(db, {{"officer", officer_id, false, std::nullopt}}, now);
  }
}

int set_officer_access(store::Database& db, const std::string& officer_id, bool active,
                       const store::Revoker& by, const std::string& reason, Instant now) {
  {
    store::Transaction transaction(db);
    store::set_officer_active(db, officer_id, active);
    // Tablets hold every officer's record (to name who did what): they learn of it at their next
    // pull, as of an officer added.
    log_back_office_writes(db, {{"officer", officer_id, false, std::nullopt}}, now);
    transaction.commit();
  }
  int revoked = 0;
  if (!active) {
    for (const auto& device : store::unrevoked_device_ids(db, officer_id)) {
      if (store::revoke_device(db, device, by, reason, format_instant(now))) ++revoked;
    }
  }
  return revoked;
}

}  // namespace vigil::sync
