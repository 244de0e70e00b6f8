// Sketching nominals: the targets each history is built back from (Seeder, seeder.hpp).
#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "seed/seeder.hpp"

namespace vigil::backoffice::seed_detail {

namespace {

// The planned visit frequency, when a plan sets one: at least as often as policy.
int plan_months_for(RiskLevel level) {
  static constexpr std::array<int, enum_count<RiskLevel>()> kMonths{6, 4, 2, 1};
  return kMonths.at(index_of(level));
}

}  // namespace

void Seeder::sketch_nominals() {
  std::vector<std::size_t> owners;
  for (std::size_t officer : offender_managers_) {
    const int caseload = dice_.between(shape_.caseload_min, shape_.caseload_max);
    for (int i = 0; i < caseload; ++i) owners.push_back(officer);
  }
  std::vector<Designation> designations(owners.size());
  if (shape_.curated) designate_showcases(designations);
  nominals_.reserve(owners.size());
  for (std::size_t i = 0; i < owners.size(); ++i) {
    nominals_.push_back(sketch_nominal(owners[i], designations[i]));
  }
}

// Spreads the demo's showcase nominals over the caseloads so each officer has some.
void Seeder::designate_showcases(std::vector<Designation>& designations) {
  std::vector<Designation> wanted;
  for (OverdueKind kind : {OverdueKind::visit, OverdueKind::assessment, OverdueKind::plan_review,
                           OverdueKind::action, OverdueKind::notification}) {
    for (RiskLevel risk : kRiskLevels) wanted.push_back({Showcase::overdue_kind, kind, risk});
  }
  wanted.push_back({Showcase::no_fixed_abode, OverdueKind::visit, RiskLevel::high});
  wanted.push_back({Showcase::single_crewed, OverdueKind::visit, RiskLevel::very_high});
  wanted.push_back({Showcase::single_crewed, OverdueKind::visit, RiskLevel::high});
  wanted.push_back({Showcase::recent_breach, OverdueKind::visit, RiskLevel::medium});
  const std::size_t step = designations.size() / (wanted.size() + 1);
  for (std::size_t k = 0; k < wanted.size(); ++k) designations[(k + 1) * step - 1] = wanted[k];
}

int Seeder::visit_months(RiskLevel level, std::optional<int> plan_months) const {
  const int by_policy = policy_.visit_months(level);
  return plan_months ? std::min(*plan_months, by_policy) : by_policy;
}

NominalSketch Seeder::sketch_nominal(std::size_t officer, const Designation& designation) {
  NominalSketch n;
  n.id = dice_.uuid();
  n.officer = officer;
  n.team = officers_[officer].team;
  n.risk = kRiskLevels[dice_.weighted(kRiskWeights)];
  n.kind = kKinds[dice_.weighted(kKindWeights)];
  const bool showcase = designation.showcase != Showcase::none;
  if (showcase) {
    n.risk = designation.risk;
    if (designation.showcase == Showcase::overdue_kind &&
        designation.kind == OverdueKind::notification) {
      n.kind = NominalKind::rso;
    }
    if (designation.showcase == Showcase::no_fixed_abode) n.kind = NominalKind::rso;
    if (designation.showcase == Showcase::recent_breach) n.kind = NominalKind::violent;
  }
  const bool is_new = !showcase && dice_.chance(0.15);
  n.reactive = !showcase && !is_new && n.risk == RiskLevel::low && dice_.chance(0.08);
  n.no_fixed_abode = dice_.chance(0.03);
  if (dice_.chance(0.25)) n.plan_every_months = plan_months_for(n.risk);
  n.double_crewed = dice_.chance(0.85);
  n.unannounced_required = dice_.chance(0.2);
  const int months = visit_months(n.risk, n.plan_every_months);
  const Day managed_guess = is_new ? plus_days(as_of_, -dice_.between(7, 330))
                                   : plus_days(as_of_, -dice_.between(400, 8 * 365));

  // Visits: most on time, a few just late, and the inspectors' backlog: about 8% well past
  // due, the worst two years.
  const double roll = dice_.unit();
  bool never_seen = false;
  if (is_new) {
    never_seen = roll < 0.07;
  } else if (roll < 0.08 && !n.reactive) {
    n.visit_late_days = dice_.skewed(31, 730, 2.2);
    // The inspectors' worst case: a high-risk offender not seen for two years.
    if ((n.risk == RiskLevel::high || n.risk == RiskLevel::very_high) &&
        worst_visits_[index_of(n.risk)]++ == 0) {
      n.visit_late_days = dice_.between(715, 730);
    }
  } else if (roll < 0.13 && !n.reactive) {
    n.visit_late_days = dice_.between(1, 30);
  }

  // Assessments: the latest within a year for most; some overdue; a few overdue because a
  // dynamic risk change at the last visit was not followed by a reassessment within 14 days.
  const double assessment_roll = dice_.unit();
  std::optional<int> assessment_late;
  if (!is_new && assessment_roll < 0.06) {
    assessment_late = dice_.skewed(1, 180, 1.5);
  } else if (!is_new && assessment_roll < 0.07 && n.visit_late_days == 0 && !never_seen) {
    n.risk_change_at_last_seen = true;
  }

  // Plan reviews: the backlog the inspectors found, the worst 18 months.
  std::optional<int> review_late;
  if (!is_new && dice_.chance(0.06)) {
    review_late = dice_.skewed(1, 548, 1.8);
    if (worst_reviews_++ == 0) review_late = 548;
  }
  n.overdue_action_days = 0;
  n.single_crewed_last = dice_.chance(0.1);

  if (showcase) {
    // A clean record, then exactly the lateness the demo is meant to show.
    n.visit_late_days = 0;
    never_seen = false;
    assessment_late.reset();
    n.risk_change_at_last_seen = false;
    review_late.reset();
    n.no_fixed_abode = designation.showcase == Showcase::no_fixed_abode;
    n.single_crewed_last = designation.showcase == Showcase::single_crewed;
    if (n.single_crewed_last) n.double_crewed = true;
    const std::size_t r = index_of(n.risk);
    if (designation.showcase == Showcase::overdue_kind) {
      switch (designation.kind) {
        case OverdueKind::visit:
          n.visit_late_days = std::array{400, 200, 730, 95}[r];
          break;
        case OverdueKind::assessment:
          assessment_late = 20 + 40 * static_cast<int>(r);
          break;
        case OverdueKind::plan_review:
          review_late = std::array{60, 150, 548, 30}[r];
          break;
        case OverdueKind::action:
          n.overdue_action_days = 10 + 30 * static_cast<int>(r);
          break;
        case OverdueKind::notification:
          break;
      }
    }
  }

  // The last seen visit.
  if (!never_seen) {
    if (n.visit_late_days > 0) {
      n.last_seen = plus_months(plus_days(as_of_, -n.visit_late_days), -months);
    } else if (n.risk_change_at_last_seen) {
      n.last_seen = plus_days(as_of_, -dice_.between(15, 27));
    } else {
      const int newest_gap = std::min(months * 28 - 1, days_from(managed_guess, as_of_));
      n.last_seen = plus_days(as_of_, -dice_.between(0, newest_gap));
    }
  }

  // The last assessment, which sets the current risk level.
  if (is_new) {
    n.last_assessed = managed_guess;
  } else if (assessment_late) {
    n.last_assessed = plus_months(plus_days(as_of_, -*assessment_late), -12);
  } else if (n.risk_change_at_last_seen) {
    n.last_assessed = plus_days(as_of_, -dice_.between(60, 300));
  } else {
    n.last_assessed = plus_days(as_of_, -dice_.between(0, 330));
  }

  std::optional<Day> review_target;
  if (review_late) review_target = plus_months(plus_days(as_of_, -*review_late), -6);

  // Management began before every target.
  n.managed_since = std::min(managed_guess, n.last_assessed);
  if (n.last_seen)
    n.managed_since = std::min(n.managed_since, plus_days(*n.last_seen, -dice_.between(0, 30)));
  if (review_target)
    n.managed_since = std::min(n.managed_since, plus_days(*review_target, -dice_.between(14, 60)));
  if (is_new) n.last_assessed = n.managed_since;

  n.plan_started = plus_days(n.managed_since, dice_.between(0, 14));
  if (n.last_seen) n.plan_started = std::min(n.plan_started, *n.last_seen);
  if (review_target) n.plan_started = std::min(n.plan_started, plus_days(*review_target, -1));
  n.plan_started = std::min(n.plan_started, as_of_);

  // The last plan review: after the latest reassessment, within six months, unless it is late.
  if (review_target) {
    n.plan_reviewed = review_target;
  } else {
    const Day candidate = plus_days(as_of_, -dice_.between(0, 150));
    if (candidate < n.plan_started) {
      n.plan_reviewed.reset();
    } else if (n.last_assessed > candidate && days_from(n.last_assessed, as_of_) > 27) {
      n.plan_reviewed = plus_days(
          n.last_assessed, dice_.between(0, std::min(14, days_from(n.last_assessed, as_of_))));
    } else {
      n.plan_reviewed = candidate;
    }
  }

  if (n.no_fixed_abode) {
    n.nfa_since = std::max(n.managed_since, plus_days(as_of_, -dice_.between(14, 400)));
  } else if (dice_.chance(0.12)) {
    const Day moved = plus_days(as_of_, -dice_.between(30, 1000));
    if (moved > std::max(n.managed_since, window_start_)) n.moved_on = moved;
  }

  // Registered sex offenders: the notification period and whether notifications are late.
  if (n.kind == NominalKind::rso) {
    n.notification = sketch_notification(n, designation);
  } else {
    n.date_of_birth = plus_days(as_of_, -dice_.between(18 * 365, 75 * 365));
  }

  const double order_chance = n.kind == NominalKind::rso       ? 0.2
                              : n.kind == NominalKind::violent ? 0.15
                                                               : 0.08;
  n.has_order = dice_.chance(order_chance);
  if (n.has_order && dice_.chance(0.25)) {
    n.recent_breach_days = dice_.chance(0.3) ? dice_.between(1, 90) : dice_.between(91, 700);
  }
  if (designation.showcase == Showcase::recent_breach) {
    n.has_order = true;
    n.recent_breach_days = dice_.between(3, 20);
  }
  n.referral = dice_.chance(n.kind == NominalKind::rso ? 0.035 : 0.015);
  return n;
}

NotificationSketch Seeder::sketch_notification(NominalSketch& n, const Designation& designation) {
  NotificationSketch s;
  s.age = dice_.chance(0.03) ? dice_.between(14, 17) : dice_.between(18, 70);
  static constexpr std::array<Disposal, 6> kDisposals{Disposal::prison,
                                                      Disposal::hospital,
                                                      Disposal::hospital_restricted,
                                                      Disposal::caution,
                                                      Disposal::conditional_discharge,
                                                      Disposal::other};
  s.disposal = kDisposals[dice_.weighted(std::array<int, 6>{70, 3, 2, 8, 4, 13})];
  if (s.disposal == Disposal::prison) {
    const auto band = dice_.weighted(std::array<int, 3>{15, 40, 45});
    s.months = band == 0   ? dice_.between(1, 6)
               : band == 1 ? dice_.between(7, 29)
                           : dice_.between(30, 180);
  } else if (s.disposal == Disposal::conditional_discharge) {
    s.months = dice_.between(12, 36);
  }
  // The period, in days; nullopt: indefinite.
  auto period = [&]() -> std::optional<int> {
    int years = 0;
    switch (s.disposal) {
      case Disposal::prison:
        if (*s.months >= 30) return std::nullopt;
        years = *s.months > 6 ? 10 : 7;
        break;
      case Disposal::hospital_restricted:
        return std::nullopt;
      case Disposal::hospital:
        years = 7;
        break;
      case Disposal::caution:
        years = 2;
        break;
      case Disposal::conditional_discharge:
        return *s.months * 30 / (s.age < 18 ? 2 : 1);
      case Disposal::other:
        years = 5;
        break;
    }
    return years * 365 / (s.age < 18 ? 2 : 1);
  };
  const int managed_for = days_from(n.managed_since, as_of_);
  // Nobody is managed as a registered sex offender after the period ends: a period too short
  // for this history becomes a long prison sentence.
  if (auto days = period(); days && *days <= managed_for + 60) {
    s.disposal = Disposal::prison;
    s.months = dice_.between(30, 120);
  }
  const auto days = period();
  const int before_management = days ? std::min(*days - managed_for - 31, 3650) : 3650;
  s.relevant_date = plus_days(n.managed_since, -dice_.between(0, before_management));
  n.date_of_birth = plus_days(s.relevant_date, -(s.age * 365 + dice_.between(5, 360)));
  if (designation.showcase == Showcase::overdue_kind &&
      designation.kind == OverdueKind::notification) {
    s.late_days = 15 + 20 * risk_index(n.risk);
  } else if (designation.showcase == Showcase::none && !n.no_fixed_abode && dice_.chance(0.03)) {
    s.late_days = dice_.skewed(1, 120, 1.5);
  }
  s.pending_change = designation.showcase == Showcase::none && dice_.chance(0.02);
  return s;
}

}  // namespace vigil::backoffice::seed_detail
