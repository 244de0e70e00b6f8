// Phase 3 of `vigil import`: assessments, plans and visits, added unless already recorded
// (Importer, importer.hpp).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "import/files.hpp"
#include "import/importer.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/store/team_facts.hpp"

namespace vigil::backoffice::import_detail {

// Adds each row's fact unless it is recorded already: dated_facts(row) gives its time and facts,
// and `insert` writes it from ?1 its new id, ?2 its nominal's, ?3 the time, then its facts in the
// order of Facts::values.
template <class Record, class Facts, class DatedFacts>
void Importer::write_facts(const char* entity, std::string_view file,
                           const std::vector<Record>& rows, FactsByKey<Facts>& stored,
                           std::string_view insert, DatedFacts dated_facts) {
  if (rows.empty()) return;
  auto statement = db_.prepare(insert);
  auto& count = begin_writing(file, rows.size());
  std::int64_t done = 0;
  for (const auto& row : rows) {
    progress_.update(++done);
    const std::string& nominal = nominal_id(row.nominal_ref);
    const auto dated = dated_facts(row);
    const std::string& when = dated.first;
    if (!add_fact(stored, fact_key(nominal, when), dated.second)) {
      ++count.unchanged;
      continue;
    }
    const std::string id = base::make_uuid();
    std::apply([&](const auto&... fact) { statement.bind_all(id, nominal, when, fact...); },
               Facts::values(dated.second));
    statement.run();
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
  write_facts("assessment", AssessmentsCsv::kFile, assessment_rows_, assessments_,
              "INSERT INTO assessments (id, nominal_id, assessed_on, risk_level, assessor_id, "
              "risk_factors, protective_factors) VALUES (?, ?, ?, ?, ?, ?, ?)",
              [&](const AssessmentRow& row) {
                return std::pair{row.assessed_on,
                                 AssessmentFacts{row.risk_level, officer_id(row.assessor),
                                                 row.risk_factors, row.protective_factors}};
              });
}

void Importer::write_plans() {
  // The assessment a plan follows is named by its date (?7), one of the same nominal's.
  write_facts(
      "plan", PlansCsv::kFile, plan_rows_, plans_,
      "INSERT INTO plans (id, nominal_id, started_on, visit_every_months, double_crewed, "
      "unannounced_required, assessment_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT id "
      "FROM assessments WHERE nominal_id = ?2 AND assessed_on = ?7 ORDER BY rowid LIMIT 1))",
      [](const PlanRow& row) {
        return std::pair{row.started_on, row.facts};
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
  auto& count = begin_writing(VisitsCsv::kFile, visit_rows_.size());
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
