// Phase 3 of `vigil import`: assessments, plans and visits, added unless already recorded
// (Importer, importer.hpp).
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "import/files.hpp"
#include "import/importer.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/store/team_facts.hpp"

namespace vigil::backoffice::import_detail {

// Adds each row's fact unless it is recorded already: keyed_facts gives its key and facts,
// insert writes it under a new id.
template <class Record, class Facts, class KeyedFacts, class Insert>
void Importer::write_facts(const char* entity, std::string_view file,
                           const std::vector<Record>& rows, FactsByKey<Facts>& stored,
                           KeyedFacts keyed_facts, Insert insert) {
  if (rows.empty()) return;
  auto& count = counts(file);
  stage(file, rows.size());
  std::int64_t done = 0;
  for (const auto& row : rows) {
    progress_.update(++done);
    const std::string& nominal = nominal_id(row.nominal_ref);
    const auto [key, facts] = keyed_facts(row, nominal);
    if (!add_fact(stored, key, facts)) {
      ++count.unchanged;
      continue;
    }
    const std::string id = base::make_uuid();
    insert(id, nominal, row, facts);
    written_records_.push_back({entity, id, true, std::nullopt});
    ++count.inserted;
    written_ = true;
  }
}

// Inserts a fact unless an identical one is recorded (checked earlier: a different one would
// have been a problem). True when inserted.
template <class Facts>
bool Importer::add_fact(FactsByKey<Facts>& stored, const std::string& key, const Facts& facts) {
  auto& recorded = stored[key];
  if (std::find(recorded.begin(), recorded.end(), facts) != recorded.end()) return false;
  if (!recorded.empty()) {
    throw Error(ErrorCode::internal, "import: a conflicting fact passed the checks", key);
  }
  recorded.push_back(facts);
  return true;
}

void Importer::write_assessments() {
  auto insert = db_.prepare(
      "INSERT INTO assessments (id, nominal_id, assessed_on, risk_level, assessor_id, "
      "risk_factors, protective_factors) VALUES (?, ?, ?, ?, ?, ?, ?)");
  write_facts(
      "assessment", AssessmentsCsv::kFile, assessment_rows_, assessments_,
      [&](const AssessmentRow& row, const std::string& nominal) {
        return std::pair{fact_key(nominal, row.assessed_on),
                         AssessmentFacts{row.risk_level, officer_id(row.assessor), row.risk_factors,
                                         row.protective_factors}};
      },
      [&](const std::string& id, const std::string& nominal, const AssessmentRow& row,
          const AssessmentFacts& facts) {
        insert
            .bind_all(id, nominal, row.assessed_on, facts.risk_level, facts.assessor_id,
                      facts.risk_factors, facts.protective_factors)
            .run();
      });
}

void Importer::write_plans() {
  auto insert = db_.prepare(
      "INSERT INTO plans (id, nominal_id, started_on, visit_every_months, double_crewed, "
      "unannounced_required, assessment_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT id FROM "
      "assessments WHERE nominal_id = ?2 AND assessed_on = ?7 ORDER BY rowid LIMIT 1))");
  write_facts(
      "plan", PlansCsv::kFile, plan_rows_, plans_,
      [&](const PlanRow& row, const std::string& nominal) {
        return std::pair{fact_key(nominal, row.started_on), row.facts};
      },
      [&](const std::string& id, const std::string& nominal, const PlanRow& row,
          const PlanFacts& facts) {
        insert
            .bind_all(id, nominal, row.started_on, facts.visit_every_months, facts.double_crewed,
                      facts.unannounced_required, facts.follows_assessment_on)
            .run();
      });
}

void Importer::write_visits() {
  if (visit_rows_.empty()) return;
  // The officer's statement of when it happened is all a spreadsheet has, so it is also when
  // it was recorded; received_at says when Vigil got it.
  auto insert = db_.prepare(
      "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, received_at, announced, "
      "outcome, recorded_by) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7)");
  auto attend = db_.prepare("INSERT INTO visit_attendees (visit_id, officer_id) VALUES (?, ?)");
  auto& count = counts(VisitsCsv::kFile);
  stage(VisitsCsv::kFile, visit_rows_.size());
  struct NewVisit {
    std::string id;
    const VisitRow* row;
    std::string nominal_id;
    std::string recorded_by;
    std::vector<std::string> attendee_ids;
  };
  std::vector<NewVisit> inserts;
  for (const auto& row : visit_rows_) {
    const std::string& nominal = nominal_id(row.nominal_ref);
    VisitFacts facts{row.announced, row.outcome, {}};
    for (const auto& username : row.attendees) {
      facts.attendee_ids.push_back(*officer_id(username));
    }
    std::string recorded_by = facts.attendee_ids.front();
    std::sort(facts.attendee_ids.begin(), facts.attendee_ids.end());
    if (!add_fact(visits_, fact_key(nominal, row.occurred_at), facts)) {
      ++count.unchanged;
      continue;
    }
    inserts.push_back(
        {base::make_uuid(), &row, nominal, std::move(recorded_by), std::move(facts.attendee_ids)});
  }
  // In id order, consecutive inserts touch neighbouring pages of the id indexes, not random ones.
  std::sort(inserts.begin(), inserts.end(),
            [](const NewVisit& a, const NewVisit& b) { return a.id < b.id; });
  std::int64_t done = count.unchanged;
  for (const auto& visit : inserts) {
    progress_.update(++done);
    insert
        .bind_all(visit.id, visit.nominal_id, visit.row->occurred_at, clock_.now_text,
                  visit.row->announced, visit.row->outcome, visit.recorded_by)
        .run();
    for (const auto& attendee : visit.attendee_ids) attend.bind_all(visit.id, attendee).run();
    store::copy_visit(db_, visit.id);  // the reports' copy, once its attendees are in
    written_records_.push_back({"visit", visit.id, true, std::nullopt});
    ++count.inserted;
    written_ = true;
  }
}

}  // namespace vigil::backoffice::import_detail
