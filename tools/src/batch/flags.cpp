// The nightly run's flags: what the morning meeting should look at, among them the findings of
// practice (visits below their crew, nominals no one manages), never the run's exit status
// (night.hpp).
#include <algorithm>
#include <chrono>
#include <string>
#include <tuple>
#include <vector>

#include "batch/night.hpp"
#include "vigil/rules/bail.hpp"
#include "vigil/rules/orders.hpp"
#include "vigil/rules/text.hpp"

namespace vigil::backoffice::batch_detail {

namespace {

// Open conflicts older than this are flagged: a supervisor should have decided them.
constexpr std::chrono::hours kConflictAge{72};

}  // namespace

Check silent_with_pending(const Night& night) {
  Check check{"devices_silent_with_pending_changes",
              "Tablets silent for over 24 hours that held changes not yet synced at their last "
              "contact.",
              {}};
  for (const auto& d : night.stamp.devices) {
    if (!reports::silent_with_changes(d, night.cutoff)) continue;
    check.findings.push_back(
        finding({{"device_id", d.id},
                 {"name", d.name},
                 {"officer", d.officer},
                 {"team", d.team},
                 {"last_contact_at", d.last_contact_at.value_or("never")}},
                std::to_string(*d.pending_changes) +
                    " changes were waiting on the tablet at its last contact" +
                    (d.oldest_pending_at ? ", the oldest made at " + *d.oldest_pending_at : "")));
  }
  return check;
}

Check clock_skew(store::Database& db, const Night& night) {
  Check check{"changes_with_clock_skew",
              "Tablets whose changes received during the day came with a clock far from the "
              "server's.",
              {}};
  auto s = db.prepare(
      "SELECT c.device_id, coalesce(d.name, ''), coalesce(o.username, ''), count(*), "
      "min(c.received_at), max(c.received_at), d.clock_skew_ms FROM changes c LEFT JOIN devices d "
      "ON d.id = c.device_id LEFT JOIN officers o ON o.id = d.officer_id WHERE c.clock_skew_flag = "
      "1 AND c.received_at >= ? AND c.received_at < ? GROUP BY c.device_id ORDER BY c.device_id");
  s.bind_all(night.day_start, format_instant(night.cutoff));
  while (s.step()) {
    check.findings.push_back(finding(
        {{"device_id", s.column_text(0)},
         {"name", s.column_text(1)},
         {"officer", s.column_text(2)},
         {"first_received_at", s.column_text(4)},
         {"last_received_at", s.column_text(5)}},
        s.column_text(3) + " changes arrived with a skewed clock" +
            (s.is_null(6)
                 ? std::string()
                 : "; last measured skew " + std::to_string(s.column_int(6) / 1000) + " s")));
  }
  return check;
}

Check old_conflicts(store::Database& db, const Night& night) {
  Check check{"conflicts_open_over_72_hours",
              "Conflicts still open more than 72 hours after they were found.",
              {}};
  auto s = db.prepare(
      "SELECT id, entity, entity_id, field, detected_at FROM conflicts WHERE status = 'open' AND "
      "detected_at < ? ORDER BY detected_at, id");
  s.bind_all(format_instant(night.cutoff - kConflictAge));
  while (s.step()) {
    check.findings.push_back(finding({{"conflict_id", s.column_text(0)},
                                      {"entity", s.column_text(1)},
                                      {"entity_id", s.column_text(2)},
                                      {"field", s.column_text(3)},
                                      {"detected_at", s.column_text(4)}},
                                     "the " + s.column_text(1) + "'s " + s.column_text(3) +
                                         " has waited for a supervisor's decision since " +
                                         s.column_text(4)));
  }
  return check;
}

Check overdue_high_risk(const Night& night) {
  Check check{"overdue_high_risk",
              "Overdue items of high and very high risk nominals, highest priority first.",
              {}};
  for (const auto& item : night.overdue.items) {
    if (item.risk_level < RiskLevel::high) continue;
    check.findings.push_back(
        finding({{"nominal_ref", item.nominal_ref},
                 {"kind", std::string(to_string(item.kind))},
                 {"risk_level", std::string(to_string(item.risk_level))},
                 {"officer", item.officer},
                 {"team", item.team},
                 {"due", format_date(item.due)}},
                std::to_string(item.days_overdue) +
                    (item.days_overdue == 1 ? " day overdue" : " days overdue")));
  }
  return check;
}

Check nominals_unmanaged(store::Database& db) {
  Check check{"active_nominals_unmanaged",
              "Active nominals without a managing officer, a risk assessment or a plan.",
              {}};
  auto s = db.prepare(
      "SELECT n.ref, coalesce(t.name, n.team_id), n.officer_id IS NULL OR NOT EXISTS (SELECT 1 "
      "FROM officers o WHERE o.id = n.officer_id AND o.active = 1), NOT EXISTS (SELECT 1 FROM "
      "assessments a WHERE a.nominal_id = n.id), NOT EXISTS (SELECT 1 FROM plans p WHERE "
      "p.nominal_id = n.id) FROM nominals n LEFT JOIN teams t ON t.id = n.team_id "
      "WHERE n.status = 'active' ORDER BY n.ref");
  while (s.step()) {
    std::vector<std::string> missing;
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

Check visits_below_crew(const Night& night) {
  Check check{"visits_below_crew",
              "Visits in the " + std::to_string(reports::kComplianceDays) +
                  " days up to the as-of date with fewer officers than their plan required.",
              {}};
  // The compliance report lists them most recent first; the run lists them by time, then id.
  auto visits = night.compliance.under_crewed;
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

Check breaches_not_followed_up(store::Database& db, const Night& night) {
  Check check{"breaches_not_followed_up",
              "Breaches of an order with nothing recorded about them 24 hours after they "
              "happened.",
              {}};
  // What was followed up after the run's cutoff was not yet, as of the run. Breaches of the last
  // recent_breach_days (90) only: the meeting chases what can still be acted on, and the years of
  // breaches recorded before follow-ups were kept do not ring every night.
  auto s = db.prepare(
      "SELECT b.id, n.ref, coalesce(t.name, n.team_id), coalesce(o.username, ''), b.occurred_at, "
      "r.kind, b.condition_text, (SELECT min(f.followed_up_at) FROM breach_follow_ups f WHERE "
      "f.breach_id = b.id AND f.followed_up_at <= ?1) FROM breaches b JOIN nominals n ON n.id = "
      "b.nominal_id JOIN orders r ON r.id = b.order_id LEFT JOIN teams t ON t.id = n.team_id LEFT "
      "JOIN officers o ON o.id = n.officer_id WHERE b.occurred_at <= ?1 AND b.occurred_at >= ?2 "
      "ORDER "
      "BY b.occurred_at, b.id");
  s.bind_all(format_instant(night.cutoff),
             format_instant(night.cutoff - std::chrono::days(night.policy.recent_breach_days)));
  while (s.step()) {
    const auto occurred = parse_instant(s.column_text(4));
    const auto first = s.is_null(7) ? std::nullopt : parse_instant(s.column_text(7));
    if (!occurred || !breach_awaiting_follow_up(*occurred, first, night.cutoff)) continue;
    const auto hours =
        std::chrono::duration_cast<std::chrono::hours>(night.cutoff - *occurred).count();
    check.findings.push_back(finding({{"breach_id", s.column_text(0)},
                                      {"nominal_ref", s.column_text(1)},
                                      {"team", s.column_text(2)},
                                      {"officer", s.column_text(3)},
                                      {"occurred_at", s.column_text(4)}},
                                     "a breach of the " + s.column_text(5) + " (" +
                                         s.column_text(6) + ") with no follow-up after " +
                                         counted(static_cast<int>(hours), "hour")));
  }
  return check;
}

Check referrals_overdue(const Night& night) {
  Check check{"safeguarding_referrals_overdue",
              "Safeguarding referrals whose acknowledgement or feedback is overdue, most overdue "
              "first.",
              {}};
  for (const auto& r : night.safeguarding.without_feedback) {
    const int late = std::max(r.state.acknowledgement_days_overdue, r.state.feedback_days_overdue);
    if (late == 0) continue;
    const bool acknowledgement = r.state.acknowledgement_days_overdue > 0;
    check.findings.push_back(
        finding({{"referral_id", r.id},
                 {"subject", r.subject},
                 {"team", r.team},
                 {"agency", r.agency},
                 {"sent_on", format_date(r.sent_on)}},
                std::string(acknowledgement ? "not acknowledged, " : "no feedback, ") +
                    counted(late, "day") + " overdue" +
                    (r.last_chased_on ? "; last chased " + format_date(*r.last_chased_on) : "") +
                    (r.state.to_chase ? "; to be chased" : "")));
  }
  return check;
}

Check repeat_encounters(const Night& night) {
  const int threshold = night.safeguarding.repeat_threshold;
  Check check{"young_people_repeat_encounters",
              "Young people with " + std::to_string(threshold) +
                  " or more encounters, for the panel, most encounters first.",
              {}};
  for (const auto& y : night.safeguarding.repeat_young_people) {
    check.findings.push_back(
        finding({{"young_person", y.number}, {"team", y.team}, {"last_at", y.last_at}},
                counted(y.encounters, "encounter") + " (" + std::to_string(y.criminal) +
                    " criminal, " + std::to_string(y.sexual) + " sexual exploitation); " +
                    counted(y.referrals, "referral")));
  }
  return check;
}

Check bail_ending(const Night& night) {
  Check check{"bail_ending_within_7_days",
              "Pre-charge bail periods ending within 7 days of the as-of date, or already ended.",
              {}};
  // Those still running first, soonest first (what can still be extended); then the lapsed.
  std::vector<Finding> lapsed;
  for (const auto& b : night.suspects.bail) {
    if (b.days_left < 0) {
      lapsed.push_back(finding({{"ref", b.ref},
                                {"officer", b.officer},
                                {"team", b.team},
                                {"bail_ends", format_date(b.current_end)}},
                               "ended " + std::to_string(-b.days_left) +
                                   " days ago: bail has lapsed, too late to extend"));
      continue;
    }
    check.findings.push_back(finding(
        {{"ref", b.ref},
         {"officer", b.officer},
         {"team", b.team},
         {"bail_ends", format_date(b.current_end)}},
        (b.days_left == 0 ? std::string("ends today") : "ends in " + counted(b.days_left, "day")) +
            (b.extension ? "; an extension needs the " +
                               std::string(bail_authority_label(b.extension->authority))
                         : "; no further extension is possible")));
  }
  check.findings.insert(check.findings.end(), lapsed.begin(), lapsed.end());
  return check;
}

Check suspects_untraced(const Night& night) {
  Check check{"suspects_without_trace_activity",
              "Outstanding suspects with no trace activity for the policy's period (7 days by "
              "default) or more.",
              {}};
  for (const auto& s : night.suspects.suspects) {
    if (!s.no_trace_flag) continue;
    check.findings.push_back(finding(
        {{"ref", s.ref},
         {"officer", s.officer},
         {"team", s.team},
         {"harm", std::to_string(s.harm)}},
        s.last_trace_on
            ? std::to_string(s.days_since_trace) + " days since the last trace activity"
            : "never traced in " + std::to_string(s.days_outstanding) + " days outstanding"));
  }
  return check;
}

}  // namespace vigil::backoffice::batch_detail
