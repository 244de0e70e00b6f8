// Phase 2b of `vigil import`: the rows of assessments, plans and visits, facts that are never
// replaced (Importer, importer.hpp).
#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include "import/files.hpp"
#include "import/importer.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/text.hpp"

namespace vigil::backoffice::import_detail {

template <class Facts, class MakeFacts, class Describe>
void Importer::check_fact(Row& row, std::unordered_map<std::string, int>& seen,
                          const std::string& nominal_ref, const std::string& when,
                          const FactsByKey<Facts>& stored, MakeFacts facts, Describe what,
                          std::string_view why) {
  row.unique(seen, fact_key(nominal_ref, when), what);
  const auto* nominal_id = stored_nominal_id(nominal_ref);
  if (nominal_id == nullptr) return;  // a new nominal has no facts yet
  auto found = stored.find(fact_key(*nominal_id, when));
  if (found == stored.end()) return;
  if (std::find(found->second.begin(), found->second.end(), facts()) != found->second.end()) {
    return;
  }
  row.problem(what() + " is already recorded with different details; " + std::string(why));
}

// The first fact recorded for the nominal (by ref) at that time, or nullptr: what a file without
// an optional column is compared as having.
template <class Facts>
const Facts* Importer::recorded_fact(const FactsByKey<Facts>& stored,
                                     const std::string& nominal_ref,
                                     const std::string& when) const {
  const auto* nominal_id = stored_nominal_id(nominal_ref);
  if (nominal_id == nullptr) return nullptr;
  const auto found = stored.find(fact_key(*nominal_id, when));
  return found == stored.end() || found->second.empty() ? nullptr : &found->second.front();
}

void Importer::check_assessments(Table& t) {
  using C = AssessmentsCsv;
  std::unordered_map<std::string, int> seen;
  for_each_checkable_row(t, [&](Row& row) {
    auto nominal_ref = check_nominal_reference(row, C::nominal_ref);
    auto assessed_on = row.past_date(C::assessed_on);
    auto risk_level = row.choice<RiskLevel>(C::risk_level);
    auto assessor = row.text(C::assessor);
    if (assessor) check_officer_reference(row, C::assessor, *assessor);
    auto risk_factors = row.text(C::risk_factors);
    auto protective_factors = row.text(C::protective_factors);
    if (!row.ok()) return;

    auto what = [&] {
      return "an assessment of " + quoted_excerpt(*nominal_ref) + " on " + *assessed_on;
    };
    AssessmentRow out{*nominal_ref, *assessed_on,  std::string(to_string(*risk_level)),
                      *assessor,    *risk_factors, *protective_factors};
    // A file without the factors' columns leaves them as recorded: compared as the recorded
    // fact has them, and an identical row adds nothing.
    if (!row.has(C::risk_factors) || !row.has(C::protective_factors)) {
      if (const auto* recorded = recorded_fact(assessments_, out.nominal_ref, out.assessed_on)) {
        if (!row.has(C::risk_factors)) out.risk_factors = recorded->risk_factors;
        if (!row.has(C::protective_factors)) out.protective_factors = recorded->protective_factors;
      }
    }
    auto facts = [&] {
      return AssessmentFacts{out.risk_level, officer_id_for_comparison(out.assessor),
                             out.risk_factors, out.protective_factors};
    };
    check_fact(row, seen, out.nominal_ref, out.assessed_on, assessments_, facts, what,
               "assessments are facts and are never replaced");
    if (row.ok()) assessment_rows_.push_back(std::move(out));
  });
}

void Importer::check_plans(Table& t) {
  using C = PlansCsv;
  std::unordered_map<std::string, int> seen;
  for_each_checkable_row(t, [&](Row& row) {
    auto nominal_ref = check_nominal_reference(row, C::nominal_ref);
    auto started_on = row.past_date(C::started_on);
    auto every = row.whole_number(C::visit_every_months);
    auto double_crewed = row.yes_no(C::double_crewed);
    // Left empty, or a file without the column: visits may be announced.
    auto unannounced = row[C::unannounced_required].empty() ? std::optional<bool>(false)
                                                            : row.yes_no(C::unannounced_required);
    std::optional<std::string> follows;
    if (!row[C::follows_assessment_on].empty()) {
      follows = row.text(C::follows_assessment_on);
      if (follows && nominal_ref && !known_assessment(*nominal_ref, *follows)) {
        row.problem("follows_assessment_on " + in_quotes(*follows) +
                    " is the date of no "
                    "assessment of " +
                    quoted_excerpt(*nominal_ref));
      }
    }
    if (!row.ok()) return;

    auto what = [&] {
      return "a plan for " + quoted_excerpt(*nominal_ref) + " started on " + *started_on;
    };
    PlanRow out{*nominal_ref, *started_on, PlanFacts{every, *double_crewed, *unannounced, follows}};
    if (const auto* recorded = recorded_fact(plans_, out.nominal_ref, out.started_on)) {
      if (!row.has(C::unannounced_required)) {
        out.facts.unannounced_required = recorded->unannounced_required;
      }
      if (!row.has(C::follows_assessment_on)) {
        out.facts.follows_assessment_on = recorded->follows_assessment_on;
      }
    }
    auto facts = [&] { return out.facts; };
    check_fact(row, seen, out.nominal_ref, out.started_on, plans_, facts, what,
               "the import only adds plans and never replaces one");
    if (row.ok()) plan_rows_.push_back(std::move(out));
  });
}

void Importer::check_visits(Table& t) {
  using C = VisitsCsv;
  std::unordered_map<std::string, int> seen;
  for_each_checkable_row(t, [&](Row& row) {
    auto nominal_ref = check_nominal_reference(row, C::nominal_ref);
    auto occurred_at = row.past_instant(C::occurred_at);
    auto announced = row.yes_no(C::announced);
    auto outcome = row.choice<VisitOutcome>(C::outcome);
    auto attendees = check_attendees(row, C::attendees);
    if (!row.ok()) return;

    auto what = [&] {
      return "a visit to " + quoted_excerpt(*nominal_ref) + " at " + *occurred_at;
    };
    VisitRow out{*nominal_ref, *occurred_at, *announced, std::string(to_string(*outcome)),
                 std::move(attendees)};
    auto facts = [&] {
      VisitFacts f{out.announced, out.outcome, {}};
      for (const auto& username : out.attendees) {
        f.attendee_ids.push_back(officer_id_for_comparison(username));
      }
      std::sort(f.attendee_ids.begin(), f.attendee_ids.end());
      return f;
    };
    check_fact(row, seen, out.nominal_ref, out.occurred_at, visits_, facts, what,
               "visits are evidence and are only amended, never replaced");
    if (row.ok()) visit_rows_.push_back(std::move(out));
  });
}

}  // namespace vigil::backoffice::import_detail
