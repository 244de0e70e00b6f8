// The reconciliation: every check of the night, in the order the run lists them, the day's sync,
// and the whole as reconcile.json (vigil/tools/batch.hpp, night.hpp).
#include "vigil/tools/batch.hpp"

#include <algorithm>
#include <cstdint>

#include "batch/night.hpp"
#include "vigil/base/json.hpp"

namespace vigil::backoffice {
namespace batch_detail {

Reconciliation reconcile_night(store::Database& db, const Night& night, base::Progress& progress) {
  Reconciliation r;
  r.as_of = night.as_of;
  r.cutoff = night.cutoff;
  progress.stage("invariants");
  r.invariants.push_back(applied_once(db));
  r.invariants.push_back(sequence_without_gaps(db));
  progress.stage("read audit");
  r.invariants.push_back(read_audit_whole(db));
  r.invariants.push_back(visits_have_nominals(db));
  r.invariants.push_back(references_present(db));
  r.invariants.push_back(team_copies_match(db));
  progress.stage("flags");
  r.flags.push_back(silent_with_pending(night));
  r.flags.push_back(clock_skew(db, night));
  r.flags.push_back(old_conflicts(db, night));
  r.flags.push_back(overdue_high_risk(night));
  r.flags.push_back(visits_below_crew(night));
  r.flags.push_back(nominals_unmanaged(db));
  r.flags.push_back(breaches_not_followed_up(db, night));
  r.flags.push_back(referrals_overdue(night));
  r.flags.push_back(repeat_encounters(night));
  r.flags.push_back(bail_ending(night));
  r.flags.push_back(suspects_untraced(night));
  auto day = db.prepare(
      "SELECT outcome, count(*) FROM changes WHERE received_at >= ? AND received_at < ? "
      "GROUP BY outcome ORDER BY outcome");
  day.bind_all(night.day_start, format_instant(night.cutoff));
  while (day.step()) r.changes_by_outcome[day.column_text(0)] = day.column_int(1);
  auto devices = db.prepare(
      "SELECT count(DISTINCT c.device_id) FROM changes c JOIN devices d ON d.id = c.device_id "
      "AND d.kind = 'tablet' WHERE c.received_at >= ? AND c.received_at < ?");
  devices.bind_all(night.day_start, format_instant(night.cutoff));
  devices.step();
  r.devices_synced = devices.column_int(0);
  return r;
}

}  // namespace batch_detail

namespace {

void write_check(base::JsonWriter& w, const Check& check) {
  w.begin_object()
      .fields({base::member("name", check.name), base::member("description", check.description),
               base::member("count", static_cast<std::int64_t>(check.findings.size()))})
      .key("items")
      .begin_array();
  for (const auto& f : check.findings) {
    w.begin_object().key("records").begin_object();
    for (const auto& [name, value] : f.records) w.field(name, value);
    w.end_object().field("detail", f.detail).end_object();
  }
  w.end_array().end_object();
}

}  // namespace

using batch_detail::Night;
using batch_detail::read_night;
using batch_detail::reconcile_night;

bool Reconciliation::clean() const {
  return std::all_of(invariants.begin(), invariants.end(),
                     [](const Check& c) { return c.findings.empty(); });
}

Reconciliation reconcile(store::Database& db, Date as_of) {
  base::Progress quiet(false);
  const Night night = read_night(db, as_of, quiet);
  return reconcile_night(db, night, quiet);
}

std::string reconciliation_json(const Reconciliation& r) {
  base::JsonWriter w;
  w.begin_object().fields({base::member("as_of", format_date(r.as_of)),
                           base::member("cutoff", format_instant(r.cutoff)),
                           base::member("clean", r.clean())});
  w.key("sync").begin_object().key("changes_by_outcome").begin_object();
  for (const auto& [outcome, n] : r.changes_by_outcome) w.field(outcome, n);
  w.end_object().field("devices", r.devices_synced).end_object();
  w.key("invariants").begin_array();
  for (const auto& check : r.invariants) write_check(w, check);
  w.end_array().key("flags").begin_array();
  for (const auto& check : r.flags) write_check(w, check);
  w.end_array().end_object();
  return w.str() + "\n";
}

}  // namespace vigil::backoffice
