// The seed's nominals, their addresses, assessments and plans (Seeder, seeder.hpp).
#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seed/seeder.hpp"
#include "seed/words.hpp"
#include "seed/writers.hpp"

namespace vigil::backoffice::seed_detail {

// ---------------------------------------------------------------------------------------------
// Nominals and addresses

std::string Seeder::forenames() {
  std::string out(dice_.pick(kForenames));
  if (dice_.chance(0.4)) out += " " + std::string(dice_.pick(kForenames));
  return out;
}

std::string Seeder::rough_sleeping_area(const NominalSketch& n) {
  std::string area(teams_[n.team].area);
  area += ' ';
  area += dice_.pick(kRoughSleepingSpots);
  return area;
}

void Seeder::write_nominals(Writers& w) {
  progress_.stage("nominals", static_cast<std::int64_t>(nominals_.size()));
  std::int64_t number = 0;
  for (const auto& n : nominals_) {
    ++number;
    const std::optional<int> category = mappa_category_of(n.kind);
    const std::array<int, 3> levels = n.risk == RiskLevel::very_high
                                          ? std::array<int, 3>{45, 40, 15}
                                      : n.risk == RiskLevel::high ? std::array<int, 3>{80, 17, 3}
                                                                  : std::array<int, 3>{96, 4, 0};
    const int mappa_level = 1 + static_cast<int>(dice_.weighted(levels));
    const std::string area = n.no_fixed_abode ? rough_sleeping_area(n) : std::string();
    const std::string_view surname = dice_.pick(kSurnames);
    const std::string given = forenames();
    w.nominals.insert(n.id, numbered("NOM-", number, 6), surname, given,
                      calendar_.text(n.date_of_birth), to_string(n.kind), category, mappa_level,
                      to_string(n.risk), officer_id(n.officer), teams_[n.team].id, n.no_fixed_abode,
                      area, n.reactive);
    w.flush_if_large();
    progress_.update(number);
  }
}

void Seeder::write_address(Writers& w, const NominalSketch& n, std::string_view kind,
                           std::optional<Day> from, std::optional<Day> to) {
  const std::string id = dice_.uuid();
  std::string line1 = std::to_string(dice_.between(1, 240));
  line1 += ' ';
  line1 += dice_.pick(kStreets);
  const std::string line2 = dice_.chance(0.2) ? "Flat " + std::to_string(dice_.between(1, 40)) : "";
  const std::string_view town = dice_.pick(kTowns);
  std::string postcode;
  postcode += static_cast<char>('A' + dice_.between(0, 25));
  postcode += static_cast<char>('A' + dice_.between(0, 25));
  postcode += std::to_string(dice_.between(1, 29));
  postcode += ' ';
  postcode += std::to_string(dice_.between(0, 9));
  postcode += static_cast<char>('A' + dice_.between(0, 25));
  postcode += static_cast<char>('A' + dice_.between(0, 25));
  w.addresses.insert(id, n.id, kind, line1, line2, town, postcode, std::string(),
                     calendar_.text(from), calendar_.text(to));
}

void Seeder::write_addresses(Writers& w) {
  progress_.stage("addresses", static_cast<std::int64_t>(nominals_.size()));
  std::int64_t done = 0;
  for (const auto& n : nominals_) {
    const Day lived_from = plus_days(n.managed_since, -dice_.between(1, 1500));
    if (n.no_fixed_abode) {
      write_address(w, n, "main", lived_from, plus_days(n.nfa_since, -1));
      // Where a person with no fixed abode is known to stay: the area is what officers need.
      const std::string id = dice_.uuid();
      const std::string_view town = dice_.pick(kTowns);
      const std::string area = rough_sleeping_area(n);
      w.addresses.insert(id, n.id, "no_fixed_abode", "", "", town, "", area,
                         calendar_.text(n.nfa_since), std::nullopt);
    } else if (n.moved_on) {
      write_address(w, n, "main", lived_from, plus_days(*n.moved_on, -1));
      write_address(w, n, "main", *n.moved_on, std::nullopt);
    } else {
      write_address(w, n, "main", lived_from, std::nullopt);
    }
    if (dice_.chance(0.05)) {
      write_address(w, n, "secondary", plus_days(as_of_, -dice_.between(10, 700)), std::nullopt);
    }
    w.flush_if_large();
    progress_.update(++done);
  }
}

// ---------------------------------------------------------------------------------------------
// Assessments and plans

std::string Seeder::factors(const std::string_view* items, std::size_t count, int how_many) {
  std::string out;
  for (int i = 0; i < how_many; ++i) {
    std::string_view item = items[dice_.index(count)];
    if (out.find(item) != std::string::npos) continue;
    if (!out.empty()) out += "; ";
    out += item;
  }
  return out;
}

void Seeder::write_assessments(Writers& w) {
  progress_.stage("assessments", static_cast<std::int64_t>(nominals_.size()));
  std::int64_t done = 0;
  for (auto& n : nominals_) {
    // Yearly reassessments back from the last one; the first, which the plan follows, at the
    // start of management (even when that is before the history window).
    std::vector<Day> dates;
    if (n.last_assessed > n.managed_since) {
      dates.push_back(n.last_assessed);
      for (Day on = plus_days(n.last_assessed, -dice_.between(330, 365));
           on > plus_days(n.managed_since, 60) && on >= window_start_;
           on = plus_days(on, -dice_.between(330, 365))) {
        dates.push_back(on);
      }
    }
    dates.push_back(n.managed_since);
    std::reverse(dates.begin(), dates.end());
    RiskLevel level = n.risk;
    n.assessments.resize(dates.size());
    for (std::size_t i = dates.size(); i-- > 0;) {
      n.assessments[i] = {dates[i], level, dice_.uuid()};
      if (dice_.chance(0.2)) {
        const int moved = std::clamp(risk_index(level) + (dice_.chance(0.5) ? 1 : -1), 0, 3);
        level = kRiskLevels[static_cast<std::size_t>(moved)];
      }
    }
    for (const auto& a : n.assessments) {
      const std::size_t assessor = dice_.chance(0.3) ? teams_[n.team].sergeant : n.officer;
      const std::string risks = factors(kRiskFactors, std::size(kRiskFactors), dice_.between(1, 3));
      const std::string protective =
          factors(kProtectiveFactors, std::size(kProtectiveFactors), dice_.between(0, 2));
      w.assessments.insert(a.id, n.id, calendar_.text(a.on), to_string(a.level), risks, protective,
                           officer_id(assessor));
    }
    w.flush_if_large();
    progress_.update(++done);
  }
}

void Seeder::write_plans(Writers& w) {
  progress_.stage("plans", static_cast<std::int64_t>(nominals_.size()));
  std::int64_t done = 0;
  for (auto& n : nominals_) {
    const std::string plan_id = dice_.uuid();
    w.plans.insert(plan_id, n.id, n.assessments.front().id, calendar_.text(n.plan_started),
                   calendar_.text(n.plan_reviewed), n.plan_every_months, n.double_crewed,
                   n.unannounced_required);
    // 0-4 actions: a plan with none, an action with no owner or no due date, and an open
    // action past its date are the defects a supervisor must see; most are done.
    int count = static_cast<int>(dice_.weighted(std::array<int, 5>{5, 15, 30, 30, 20}));
    if (n.overdue_action_days > 0) count = std::max(count, 1);
    const Day earliest = std::max(n.plan_started, plus_days(as_of_, -365));
    for (int i = 0; i < count; ++i) {
      const Day set_on = plus_days(earliest, dice_.between(0, days_from(earliest, as_of_)));
      std::optional<Day> due = plus_days(set_on, dice_.between(14, 120));
      std::optional<std::size_t> owner = dice_.chance(0.1) ? teams_[n.team].sergeant : n.officer;
      std::string_view status = "open";
      std::optional<Day> completed;
      if (i == 0 && n.overdue_action_days > 0) {
        due = plus_days(as_of_, -n.overdue_action_days);
      } else if (*due < as_of_) {
        // Past its date: nearly always done (or cancelled); the few still open are overdue.
        const double roll = dice_.unit();
        if (roll < 0.9) {
          status = "done";
          completed = std::min(as_of_, plus_days(*due, dice_.between(-20, 5)));
          completed = std::max(*completed, set_on);
        } else if (roll < 0.96) {
          status = "cancelled";
        }
      } else if (dice_.chance(0.25)) {
        status = "done";
        completed = plus_days(set_on, dice_.between(0, days_from(set_on, as_of_)));
      }
      if (!(i == 0 && n.overdue_action_days > 0)) {
        if (dice_.chance(0.04)) owner.reset();
        if (dice_.chance(0.04)) due.reset();
      }
      std::optional<std::string_view> owner_text;
      if (owner) owner_text = officer_id(*owner);
      const std::string id = dice_.uuid();
      const std::string_view description = dice_.pick(kActions);
      w.plan_actions.insert(id, plan_id, description, owner_text, calendar_.text(due), status,
                            calendar_.text(completed));
    }
    w.flush_if_large();
    progress_.update(++done);
  }
}

}  // namespace vigil::backoffice::seed_detail
