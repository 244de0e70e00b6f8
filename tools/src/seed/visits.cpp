// The seed's visits: who attended, failed entries and the rare amendment (Seeder, seeder.hpp).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seed/seeder.hpp"
#include "seed/words.hpp"
#include "seed/writers.hpp"
#include "vigil/base/json.hpp"

namespace vigil::backoffice::seed_detail {

RiskLevel Seeder::level_at(const NominalSketch& n, Day day) const {
  RiskLevel level = n.assessments.front().level;
  for (const auto& a : n.assessments) {
    if (a.on > day) break;
    level = a.level;
  }
  return level;
}

VisitOutcome Seeder::failed_outcome() {
  const std::size_t which = dice_.weighted(std::array<int, 3>{60, 15, 25});
  return which == 0   ? VisitOutcome::no_answer
         : which == 1 ? VisitOutcome::refused
                      : VisitOutcome::not_at_address;
}

std::vector<Seeder::PlannedVisit> Seeder::plan_visits(const NominalSketch& n) {
  std::vector<PlannedVisit> planned;
  const Day floor = std::max(n.plan_started, window_start_);
  const double retry_chance = 0.06 + 0.03 * risk_index(n.risk);
  if (n.last_seen) {
    // Back from the last seen visit, each a little before the next was due.
    bool newest = true;
    for (Day on = *n.last_seen; newest || on >= floor;) {
      PlannedVisit visit{on, VisitOutcome::seen, "", false};
      if (newest) {
        if (n.risk_change_at_last_seen) visit.risk_change = dice_.pick(kRiskChanges);
        visit.single_crewed = n.single_crewed_last;
      } else {
        visit.single_crewed = dice_.chance(0.1);
      }
      planned.push_back(visit);
      if (dice_.chance(retry_chance)) {
        Day attempt = on;
        for (int k = dice_.between(1, 2); k > 0; --k) {
          attempt = plus_days(attempt, -dice_.between(1, 7));
          if (attempt < floor) break;
          planned.push_back({attempt, failed_outcome(), "", dice_.chance(0.1)});
        }
      }
      newest = false;
      const int months = visit_months(level_at(n, on), n.plan_every_months);
      on = plus_days(plus_months(on, -months), dice_.between(0, months * 3));
    }
    // A dynamic risk change seen at a visit, followed by the early reassessment it prompted.
    for (std::size_t i = 1; i < n.assessments.size(); ++i) {
      const Day assessed = n.assessments[i].on;
      if (assessed < plus_days(floor, 14) || assessed >= *n.last_seen || !dice_.chance(0.12)) {
        continue;
      }
      planned.push_back({plus_days(assessed, -dice_.between(2, 12)), VisitOutcome::seen,
                         dice_.pick(kRiskChanges), dice_.chance(0.1)});
    }
  }
  // Officers of late cases did try: failed attempts since the last time the nominal was seen.
  const Day after = n.last_seen ? plus_days(*n.last_seen, 1) : n.plan_started;
  if ((n.visit_late_days > 30 || !n.last_seen) && after <= as_of_ && dice_.chance(0.5)) {
    for (int k = dice_.between(1, 3); k > 0; --k) {
      planned.push_back({plus_days(after, dice_.between(0, days_from(after, as_of_))),
                         failed_outcome(), "", dice_.chance(0.15)});
    }
  }
  std::sort(planned.begin(), planned.end(),
            [](const PlannedVisit& a, const PlannedVisit& b) { return a.on < b.on; });
  return planned;
}

void Seeder::write_visits(Writers& w) {
  progress_.stage("visits", static_cast<std::int64_t>(nominals_.size()));
  std::int64_t done = 0;
  for (const auto& n : nominals_) {
    for (const PlannedVisit& visit : plan_visits(n)) {
      const std::string visit_id = dice_.uuid();
      const Instant occurred = calendar_.at(visit.on, dice_.between(8 * 3600, 20 * 3600));
      const Instant recorded = occurred + std::chrono::seconds{dice_.between(300, 5400)};
      const Instant received = recorded + std::chrono::seconds{dice_.between(5, 3600)};
      const auto occurred_text = calendar_.text(occurred);
      const bool announced = dice_.chance(n.unannounced_required ? 0.05 : 0.2);
      const bool seen = visit.outcome == VisitOutcome::seen;
      const std::string_view observations = seen ? dice_.pick(kObservations) : "";
      w.visits.insert(visit_id, n.id, occurred_text.view(), calendar_.text(recorded).view(),
                      calendar_.text(received).view(), announced, to_string(visit.outcome),
                      observations, visit.risk_change, officer_id(n.officer));
      w.visit_attendees.insert(visit_id, officer_id(n.officer));
      if (!visit.single_crewed)
        w.visit_attendees.insert(visit_id, officer_id(partner_of(n.officer)));
      if (!seen) {
        w.failed_entries.insert(dice_.uuid(), n.id, visit_id, occurred_text.view(),
                                kFailureReasons[index_of(visit.outcome) - 1],
                                officer_id(n.officer));
      } else if (dice_.chance(0.003)) {
        // A visit is evidence: a correction is a further record saying what changed and why.
        const Day amended_on = plus_days(visit.on, dice_.between(1, 3));
        if (amended_on <= as_of_) {
          base::JsonWriter changes;
          changes.begin_object().field("observations", dice_.pick(kObservations)).end_object();
          const std::string id = dice_.uuid();
          const auto amended_at =
              calendar_.text(calendar_.at(amended_on, dice_.between(9 * 3600, 17 * 3600)));
          w.visit_amendments.insert(id, visit_id, "Observations corrected after supervisor review",
                                    changes.str(), officer_id(n.officer), amended_at.view());
        }
      }
    }
    w.flush_if_large();
    progress_.update(++done);
  }
}

}  // namespace vigil::backoffice::seed_detail
