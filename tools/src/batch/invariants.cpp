// The nightly run's invariants: the integrity of the data (applied once, no gaps, audit chains
// whole, every reference present), each breach listed with the records involved (night.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "batch/night.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/team_facts.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/read_audit.hpp"

namespace vigil::backoffice::batch_detail {

// Every change the server acknowledged as applied was applied exactly once: its record is there,
// and no record was created by two changes.
Check applied_once(store::Database& db) {
  Check check{"changes_applied_once",
              "Every change acknowledged as applied is in the records, exactly once.",
              {}};
  for (const auto& spec : sync::entities()) {
    if (spec.table.empty()) continue;  // decisions: below
    // The record as the change made it: its id; and where the table holds other rows too (a
    // read event is an audit_log row with action 'read'), those columns and the device that
    // pushed it. (A visit the back office imported has no device of its own.)
    std::string record = "r.id = c.entity_id";
    for (const auto& [column, value] : spec.fixed_columns) {
      record += " AND r." + std::string(column) + " = '" + std::string(value) + "'";
    }
    if (!spec.fixed_columns.empty() && !spec.device_column.empty()) {
      record += " AND r." + std::string(spec.device_column) + " = c.device_id";
    }
    auto missing = db.prepare(
        "SELECT c.seq, c.change_id, c.entity_id FROM changes c WHERE c.entity = ? AND "
        "c.outcome = 'applied' AND c.operation IN ('create', 'append') AND NOT EXISTS "
        "(SELECT 1 FROM " +
        std::string(spec.table) + " r WHERE " + record + ") ORDER BY c.seq");
    missing.bind_all(spec.name);
    while (missing.step()) {
      check.findings.push_back(finding({{"seq", missing.column_text(0)},
                                        {"change_id", missing.column_text(1)},
                                        {"entity", std::string(spec.name)},
                                        {"entity_id", missing.column_text(2)}},
                                       "the change was acknowledged as applied, but its " +
                                           std::string(spec.name) + " is not in the records"));
    }
  }
  // A decision lives in the conflict it decided: decided, and by one decision only.
  auto undecided = db.prepare(
      "SELECT c.seq, c.change_id, json_extract(c.fields, '$.conflict_id') FROM changes c WHERE "
      "c.entity = 'conflict_decision' AND c.outcome = 'applied' AND NOT EXISTS (SELECT 1 FROM "
      "conflicts k WHERE k.id = json_extract(c.fields, '$.conflict_id') AND k.status = "
      "'decided') ORDER BY c.seq");
  while (undecided.step()) {
    check.findings.push_back(finding({{"seq", undecided.column_text(0)},
                                      {"change_id", undecided.column_text(1)},
                                      {"entity", "conflict_decision"},
                                      {"entity_id", undecided.column_text(2)}},
                                     "the decision was acknowledged as applied, but its conflict "
                                     "is not decided"));
  }
  // Records made by more than one applied change, and conflicts decided more than once, with
  // their changes in sequence order (gathered here: group_concat's order is not promised).
  auto twice = db.prepare(
      "WITH made AS (SELECT entity, CASE entity WHEN 'conflict_decision' THEN "
      "json_extract(fields, '$.conflict_id') ELSE entity_id END AS key, seq FROM changes WHERE "
      "outcome = 'applied' AND operation IN ('create', 'append')) SELECT m.entity, m.key, m.seq "
      "FROM made m JOIN (SELECT entity, key FROM made GROUP BY entity, key HAVING count(*) > 1) d "
      "ON d.entity = m.entity AND d.key = m.key ORDER BY m.entity, m.key, m.seq");
  std::string last_entity, last_key;
  while (twice.step()) {
    const std::string entity = twice.column_text(0), key = twice.column_text(1);
    if (entity == last_entity && key == last_key) {
      check.findings.back().records[2].second += ", " + twice.column_text(2);
      continue;
    }
    last_entity = entity;
    last_key = key;
    check.findings.push_back(finding(
        {{"entity", entity}, {"entity_id", key}, {"seq", twice.column_text(2)}},
        entity == "conflict_decision" ? "the conflict was decided by more than one applied change"
                                      : "the record was created by more than one applied change"));
  }
  return check;
}

// The server numbers every change it takes in; none may go missing.
Check sequence_without_gaps(store::Database& db) {
  Check check{"sequence_without_gaps",
              "The server's change numbers run from 1 to the last it gave, with none missing.",
              {}};
  auto gap = [&](std::int64_t from, std::int64_t to) {
    check.findings.push_back(finding(
        {{"first_missing_seq", std::to_string(from)}, {"last_missing_seq", std::to_string(to)}},
        to == from ? "change " + std::to_string(from) + " is missing from the change log"
                   : "changes " + std::to_string(from) + " to " + std::to_string(to) +
                         " are missing from the change log"));
  };
  auto first = db.prepare("SELECT min(seq) FROM changes");
  first.step();
  if (const auto lowest = first.column_optional_int(0); lowest && *lowest > 1) gap(1, *lowest - 1);
  auto holes = db.prepare(
      "SELECT c.seq + 1, (SELECT min(n.seq) FROM changes n WHERE n.seq > c.seq) - 1 FROM changes c "
      "WHERE c.seq < (SELECT max(seq) FROM changes) AND NOT EXISTS "
      "(SELECT 1 FROM changes n WHERE n.seq = c.seq + 1) ORDER BY c.seq");
  while (holes.step()) gap(holes.column_int(0), holes.column_int(1));
  // Numbers given out past the last row still held: the newest changes were removed.
  auto given = db.prepare(
      "SELECT s.seq, (SELECT coalesce(max(seq), 0) FROM changes) FROM sqlite_sequence s "
      "WHERE s.name = 'changes'");
  if (given.step() && given.column_int(0) > given.column_int(1)) {
    gap(given.column_int(1) + 1, given.column_int(0));
  }
  return check;
}

Check read_audit_whole(store::Database& db) {
  Check check{"read_audit_chains_whole",
              "Every device's chain of read events is whole: each index once, none missing, each "
              "hash matching its event and the one before.",
              {}};
  for (const auto& b : sync::verify_read_chains(db)) {
    check.findings.push_back(finding(
        {{"device_id", b.device_id}, {"chain_index", std::to_string(b.chain_index)}}, b.problem));
  }
  return check;
}

Check visits_have_nominals(store::Database& db) {
  Check check{"visits_have_nominals", "Every visit is of a nominal in the records.", {}};
  auto s = db.prepare(
      "SELECT v.id, v.nominal_id FROM visits v WHERE NOT EXISTS "
      "(SELECT 1 FROM nominals n WHERE n.id = v.nominal_id) ORDER BY v.id");
  while (s.step()) {
    check.findings.push_back(
        finding({{"visit_id", s.column_text(0)}, {"nominal_id", s.column_text(1)}},
                "the visit names a nominal that is not in the records"));
  }
  return check;
}

Check team_copies_match(store::Database& db) {
  Check check{"team_copies_match_records",
              "The copies the reports read, clustered by team, hold exactly what the records say.",
              {}};
  // Every write keeps them (store/team_facts.hpp); a difference was made behind the writers' back,
  // and the reports are wrong by it until the copy is taken again.
  for (const auto& difference : store::team_fact_differences(db)) {
    check.findings.push_back(finding({{"copy", difference.copy}}, difference.detail));
  }
  return check;
}

Check references_present(store::Database& db) {
  Check check{"references_present",
              "Every reference a record makes names a record that is in the records.",
              {}};
  // The database refuses such a reference as it is written; one found here was made behind its
  // back (an edit by hand, a file restored from elsewhere).
  struct Reference {
    const char* record;  // the record that refers, and the name of its key in the findings
    const char* key;
    const char* names;  // what it refers to
    const char* query;  // the key of each dangling one and the id it names
  };
  static constexpr Reference kReferences[] = {
      {"nominal", "nominal_ref", "team",
       "SELECT n.ref, n.team_id FROM nominals n WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE "
       "t.id = n.team_id) ORDER BY n.ref"},
      {"nominal", "nominal_ref", "officer",
       "SELECT n.ref, n.officer_id FROM nominals n WHERE n.officer_id IS NOT NULL AND NOT EXISTS "
       "(SELECT 1 FROM officers o WHERE o.id = n.officer_id) ORDER BY n.ref"},
      {"visit", "visit_id", "attending officer",
       "SELECT a.visit_id, a.officer_id FROM visit_attendees a WHERE NOT EXISTS (SELECT 1 FROM "
       "officers o WHERE o.id = a.officer_id) ORDER BY a.visit_id, a.officer_id"},
      {"visit amendment", "amendment_id", "visit",
       "SELECT m.id, m.visit_id FROM visit_amendments m WHERE NOT EXISTS (SELECT 1 FROM visits v "
       "WHERE v.id = m.visit_id) ORDER BY m.id"},
  };
  for (const Reference& reference : kReferences) {
    auto s = db.prepare(reference.query);
    while (s.step()) {
      check.findings.push_back(
          finding({{reference.key, s.column_text(0)}, {"names", s.column_text(1)}},
                  std::string("the ") + reference.record + " names a " + reference.names +
                      " that is not in the records"));
    }
  }
  return check;
}

}  // namespace vigil::backoffice::batch_detail
