#include "vigil/rules/overdue.hpp"

#include "vigil/rules/notification.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/rules/visit_rules.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <tuple>

namespace vigil {

std::string format_share(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "+%.0f%%", share * 100.0);
  return buffer;
}

std::string format_factor(double factor) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "x%.2f", factor);
  return buffer;
}

namespace {

std::string_view kind_label(OverdueKind kind) {
  static constexpr std::array<std::string_view, enum_count<OverdueKind>()> kLabels{
      "visit", "risk assessment", "plan review", "plan action", "notification"};
  return kLabels.at(index_of(kind));
}

template <class T>
std::optional<T> earlier(std::optional<T> a, std::optional<T> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

RiskLevel current_risk(const NominalFacts& facts) {
  return facts.last_assessment_risk.value_or(facts.recorded_risk);
}

bool assessment_supersedes(Date on, RiskLevel level, Date current_on, RiskLevel current) {
  return on > current_on || (on == current_on && level > current);
}

std::string current_risk_sql(int as_of_parameter) {
  // assessment_supersedes as an ordering: the latest date first, then the highest level.
  const std::string as_of = "?" + std::to_string(as_of_parameter);
  return "COALESCE((SELECT a.risk_level FROM assessments a WHERE a.nominal_id = n.id AND "
         "a.assessed_on <= " +
         as_of +
         " ORDER BY a.assessed_on DESC, CASE a.risk_level WHEN 'very_high' THEN 3 WHEN 'high' "
         "THEN 2 WHEN 'medium' THEN 1 ELSE 0 END DESC LIMIT 1), n.risk_level)";
}

int days_overdue(Date due, Date as_of) {
  return std::max(0, days_between(due, as_of));
}

std::optional<Date> next_visit_due(const NominalFacts& facts, const Policy& policy) {
  if (facts.reactive_management) return std::nullopt;
  int months = policy.visit_months(current_risk(facts));
  if (facts.plan && facts.plan->visit_every_months) {
    months = std::min(months, *facts.plan->visit_every_months);
  }
  if (facts.last_seen_at) return add_months_clamped(london_date(*facts.last_seen_at), months);
  if (facts.plan) return facts.plan->started_on;
  return facts.first_assessment_on;
}

std::optional<Date> next_assessment_due(const NominalFacts& facts, const Policy& policy) {
  std::optional<Date> due;
  if (facts.last_assessment_on) {
    due = add_months_clamped(*facts.last_assessment_on, policy.reassess_every_months);
  }
  if (facts.risk_change_on) {
    due = earlier(due, std::optional<Date>(add_days(*facts.risk_change_on,
                                                    policy.reassess_after_risk_change_days)));
  }
  return due;
}

std::optional<Date> next_plan_review_due(const NominalFacts& facts, const Policy& policy) {
  if (!facts.plan) return std::nullopt;
  Date last = facts.plan->started_on;
  if (facts.plan->last_reviewed_on && *facts.plan->last_reviewed_on > last) {
    last = *facts.plan->last_reviewed_on;
  }
  Date due = add_months_clamped(last, policy.plan_review_every_months);
  if (facts.last_assessment_on && *facts.last_assessment_on > last) {
    due = std::min(due,
                   add_days(*facts.last_assessment_on, policy.plan_review_after_reassessment_days));
  }
  return due;
}

Priority prioritise(const NominalFacts& facts, OverdueKind kind, RiskLevel risk, int days_late,
                    const Policy& policy, Date as_of) {
  const auto& weights = policy.priority;
  Priority result;
  const double base = weights.risk_weight[index_of(risk)];
  const double age = 1.0 + days_late / weights.days_per_step;
  const double kind_weight = weights.kind_weight[index_of(kind)];
  double aggravation = 0;

  result.reasons.push_back(std::string(risk_label(risk)) + " risk (weight " +
                           format_factor(base).substr(1) + ")");
  result.reasons.push_back(counted(days_late, "day") + " overdue (" + format_factor(age) + ")");
  if (kind_weight != 1.0) {
    result.reasons.push_back(std::string(kind_label(kind)) + " (" + format_factor(kind_weight) +
                             ")");
  }
  if (facts.no_fixed_abode) {
    aggravation += weights.no_fixed_abode;
    result.reasons.push_back("no fixed abode (" + format_share(weights.no_fixed_abode) + ")");
  }
  const bool double_crewed = facts.plan && facts.plan->double_crewed;
  if (facts.last_visit_attendees > 0 &&
      under_crewed(facts.last_visit_attendees, double_crewed, policy)) {
    aggravation += weights.crewing_not_met;
    result.reasons.push_back("last visit had " + counted(facts.last_visit_attendees, "officer") +
                             " where the plan requires " +
                             std::to_string(required_crew(double_crewed, policy)) + " (" +
                             format_share(weights.crewing_not_met) + ")");
  }
  if (facts.last_breach_on && *facts.last_breach_on <= as_of &&
      days_between(*facts.last_breach_on, as_of) <= policy.recent_breach_days) {
    aggravation += weights.recent_breach;
    result.reasons.push_back("breach of an order on " + format_date(*facts.last_breach_on) + " (" +
                             format_share(weights.recent_breach) + ")");
  }
  result.score =
      static_cast<int>(std::lround(100.0 * base * age * kind_weight * (1.0 + aggravation)));
  return result;
}

std::vector<OverdueItem> overdue_items(const NominalFacts& facts, const Policy& policy,
                                       Date as_of) {
  std::vector<OverdueItem> items;
  const RiskLevel risk = current_risk(facts);
  auto add = [&](OverdueKind kind, std::optional<Date> due, std::string detail,
                 const std::string& officer) {
    if (!due || *due >= as_of) return;  // overdue from the day after the due date
    OverdueItem item;
    item.nominal_id = facts.nominal_id;
    item.nominal_ref = facts.ref;
    item.kind = kind;
    item.risk_level = risk;
    item.due = *due;
    item.days_overdue = days_overdue(*due, as_of);
    item.officer = officer;
    item.team = facts.team;
    item.detail = std::move(detail);
    auto priority = prioritise(facts, kind, risk, item.days_overdue, policy, as_of);
    item.priority = priority.score;
    item.reasons = std::move(priority.reasons);
    items.push_back(std::move(item));
  };

  add(OverdueKind::visit, next_visit_due(facts, policy), "", facts.officer);
  const auto assessment_due = next_assessment_due(facts, policy);
  const bool early_review =
      assessment_due && facts.risk_change_on &&
      *assessment_due == add_days(*facts.risk_change_on, policy.reassess_after_risk_change_days);
  add(OverdueKind::assessment, assessment_due,
      early_review
          ? "early review after a dynamic risk change on " + format_date(*facts.risk_change_on)
          : "",
      facts.officer);
  add(OverdueKind::plan_review, next_plan_review_due(facts, policy), "", facts.officer);
  for (const auto& action : facts.late_actions) {
    add(OverdueKind::action, action.due_on, action.description,
        action.owner.empty() ? facts.officer : action.owner);
  }
  if (facts.notification_applies) {
    if (facts.last_notified_on) {
      add(OverdueKind::notification,
          periodic_notification_due(*facts.last_notified_on, facts.no_fixed_abode),
          facts.no_fixed_abode ? "weekly notification (no sole or main residence)"
                               : "annual notification",
          facts.officer);
    }
    for (const auto& deadline : facts.pending_notification_deadlines) {
      add(OverdueKind::notification, deadline, "notification not yet made", facts.officer);
    }
  }
  return items;
}

void sort_by_priority(std::vector<OverdueItem>& items) {
  std::sort(items.begin(), items.end(), [](const OverdueItem& a, const OverdueItem& b) {
    return std::tie(b.priority, b.days_overdue, a.nominal_ref, a.kind, a.detail, a.due, a.officer,
                    a.team) < std::tie(a.priority, a.days_overdue, b.nominal_ref, b.kind, b.detail,
                                       b.due, b.officer, b.team);
  });
}

int age_band(int days) {
  if (days <= 30) return 0;
  if (days <= 90) return 1;
  if (days <= 180) return 2;
  if (days <= 365) return 3;
  return 4;
}

}  // namespace vigil
