// The nightly run's invariants: rules the data must keep, each breach listed with the records
// involved (night.hpp).
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "batch/night.hpp"
#include "vigil/rules/text.hpp"
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

Check nominals_managed(store::Database& db) {
  Check check{"active_nominals_managed",
              "Every active nominal has a managing officer, a risk assessment and a plan.",
              {}};
  auto s = db.prepare(
      "SELECT n.ref, coalesce(t.name, n.team_id), n.officer_id IS NULL OR NOT EXISTS (SELECT 1 "
      "FROM officers o WHERE o.id = n.officer_id AND o.active = 1), NOT EXISTS (SELECT 1 FROM "
      "assessments a WHERE a.nominal_id = n.id), NOT EXISTS (SELECT 1 FROM plans p WHERE "
      "p.nominal_id = n.id), t.id IS NULL FROM nominals n LEFT JOIN teams t ON t.id = n.team_id "
      "WHERE n.status = 'active' ORDER BY n.ref");
  while (s.step()) {
    std::vector<std::string> missing;
    if (s.column_int(5) != 0) missing.emplace_back("team in the records");
    if (s.column_int(2) != 0) missing.emplace_back("managing officer");
    if (s.column_int(3) != 0) missing.emplace_back("risk assessment");
    if (s.column_int(4) != 0) missing.emplace_back("plan");
    if (missing.empty()) continue;
    std::string list;
    for (std::size_t i = 0; i < missing.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == missing.size() ? " or " : ", ") + missing[i];
    }
    check.findings.push_back(
        finding({{"nominal_ref", s.column_text(0)}, {"team", s.column_text(1)}},
                "the active nominal has no " + list));
  }
  return check;
}

Check crewing_met(const reports::ComplianceReport& compliance) {
  Check check{"plans_crewing_met",
              "Every visit in the " + std::to_string(reports::kComplianceDays) +
                  " days up to the as-of date had the crew its plan required.",
              {}};
  // The compliance report lists them most recent first; the run lists them by time, then id.
  auto visits = compliance.under_crewed;
  std::sort(visits.begin(), visits.end(), [](const auto& a, const auto& b) {
    return std::tie(a.occurred_at, a.visit_id) < std::tie(b.occurred_at, b.visit_id);
  });
  for (const auto& v : visits) {
    check.findings.push_back(finding({{"visit_id", v.visit_id},
                                      {"nominal_ref", v.nominal_ref},
                                      {"officer", v.officer},
                                      {"team", v.team},
                                      {"occurred_at", v.occurred_at}},
                                     counted(v.attendees, "officer") +
                                         " attended where the plan required " +
                                         std::to_string(v.required)));
  }
  return check;
}

}  // namespace vigil::backoffice::batch_detail
