#include "vigil/reports/safeguarding_report.hpp"

#include <algorithm>
#include <tuple>

#include "text_table.hpp"
#include "vigil/base/csv.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/report_stamp.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/policy_versions.hpp"

namespace vigil::reports {
namespace {

constexpr int kPlacesShown = 3;

// "acknowledgement 4 days overdue; feedback due 2026-12-03; chase it"
std::string referral_detail(const ReferralAwaitingFeedback& r) {
  std::string out;
  if (r.state.acknowledgement_days_overdue > 0) {
    out = "acknowledgement " + counted(r.state.acknowledgement_days_overdue, "day") + " overdue";
  } else if (!r.acknowledged_on) {
    out = "acknowledgement due " + format_date(r.state.acknowledgement_due);
  } else {
    out = "acknowledged " + format_date(*r.acknowledged_on);
  }
  out += r.state.feedback_days_overdue > 0
             ? "; feedback " + counted(r.state.feedback_days_overdue, "day") + " overdue"
             : "; feedback due " + format_date(r.state.feedback_due);
  if (r.last_chased_on) out += "; last chased " + format_date(*r.last_chased_on);
  if (r.state.to_chase) out += "; chase it";
  return out;
}

}  // namespace

SafeguardingReport safeguarding_report(store::Database& db, Date as_of, const ReportScope& scope) {
  SafeguardingReport report;
  report.as_of = as_of;
  const ReportReading reading(db, as_of);
  report.repeat_threshold = reading.policy.repeat_encounters;
  const auto teams = scope_team_ids(db, scope);
  const std::string in_scope = scope_condition(teams, "t.id");
  const std::string day = format_date(as_of);

  // Referrals sent by the as-of date and not fed back by it; what happened after it is not yet.
  auto referrals = db.prepare(
      "SELECT r.id, coalesce(y.number, n.ref), t.name, r.agency, r.contact_name, "
      "coalesce(o.username, ''), r.sent_on, CASE WHEN r.acknowledged_on <= ?2 THEN "
      "r.acknowledged_on END, (SELECT max(c.chased_on) FROM referral_chases c WHERE "
      "c.referral_id = r.id AND c.chased_on <= ?2), (SELECT count(*) FROM referral_chases c "
      "WHERE c.referral_id = r.id AND c.chased_on <= ?2) FROM safeguarding_referrals r LEFT JOIN "
      "young_people y ON y.id = r.young_person_id LEFT JOIN nominals n ON n.id = r.nominal_id "
      "JOIN teams t ON t.id = coalesce(y.team_id, n.team_id) LEFT JOIN officers o ON o.id = "
      "r.officer_id WHERE r.sent_on <= ?2 AND (r.feedback_on IS NULL OR r.feedback_on > ?2) AND" +
      in_scope + "ORDER BY r.sent_on, r.id");
  referrals.bind(1, teams).bind(2, day);
  while (referrals.step()) {
    ReferralAwaitingFeedback r;
    referrals.columns(0, r.id, r.subject, r.team, r.agency, r.contact_name, r.officer);
    r.sent_on = date_column(referrals, 6);
    r.acknowledged_on = optional_date_column(referrals, 7);
    r.last_chased_on = optional_date_column(referrals, 8);
    r.chases = static_cast<int>(referrals.column_int(9));
    r.days_since_sent = days_between(r.sent_on, as_of);
    r.state = referral_state({r.sent_on, r.acknowledged_on, std::nullopt, r.last_chased_on}, as_of,
                             reading.policy);
    report.without_feedback.push_back(std::move(r));
  }
  std::stable_sort(report.without_feedback.begin(), report.without_feedback.end(),
                   [](const auto& a, const auto& b) {
                     const auto late = [](const ReferralAwaitingFeedback& r) {
                       return std::max(r.state.acknowledgement_days_overdue,
                                       r.state.feedback_days_overdue);
                     };
                     return late(a) > late(b);
                   });

  // Encounters up to the end of the as-of date in London.
  const std::string until = format_instant(london_midnight(add_days(as_of, 1)));
  auto children = db.prepare(
      "SELECT y.id, y.number, t.name, y.home_area, count(*), sum(e.criminal_exploitation), "
      "sum(e.sexual_exploitation), min(e.occurred_at), max(e.occurred_at), (SELECT count(*) FROM "
      "safeguarding_referrals r WHERE r.young_person_id = y.id AND r.sent_on <= ?2) FROM "
      "young_people y JOIN teams t ON t.id = y.team_id JOIN encounters e ON e.young_person_id = "
      "y.id AND e.occurred_at < ?3 WHERE" +
      in_scope + "GROUP BY y.id HAVING count(*) >= ?4 ORDER BY count(*) DESC, y.number");
  children.bind(1, teams).bind(2, day).bind(3, until).bind(4, reading.policy.repeat_encounters);
  auto places = db.prepare(
      "SELECT place FROM encounters WHERE young_person_id = ? AND occurred_at < ? GROUP BY place "
      "ORDER BY count(*) DESC, place LIMIT " +
      std::to_string(kPlacesShown));
  while (children.step()) {
    RepeatYoungPerson y;
    children.columns(1, y.number, y.team, y.home_area, y.encounters, y.criminal, y.sexual,
                     y.first_at, y.last_at, y.referrals);
    places.bind_all(children.column_text(0), until);
    while (places.step()) y.places.push_back(places.column_text(0));
    places.reset();
    report.repeat_young_people.push_back(std::move(y));
  }
  return report;
}

std::string safeguarding_report_json(const SafeguardingReport& report, const ReportStamp* stamp) {
  return report_json(report.as_of, stamp, [&](base::JsonWriter& w) {
    const auto date_or_null = [](const std::optional<Date>& d) {
      return d ? std::optional(format_date(*d)) : std::nullopt;
    };
    w.key("referrals_without_feedback").begin_array();
    for (const auto& r : report.without_feedback) {
      w.object({base::member("id", r.id), base::member("subject", r.subject),
                base::member("team", r.team), base::member("agency", r.agency),
                base::member("contact_name", r.contact_name), base::member("officer", r.officer),
                base::member("sent_on", format_date(r.sent_on)),
                base::member("days_since_sent", r.days_since_sent),
                base::member("acknowledged_on", date_or_null(r.acknowledged_on)),
                base::member("acknowledgement_due", format_date(r.state.acknowledgement_due)),
                base::member("acknowledgement_days_overdue", r.state.acknowledgement_days_overdue),
                base::member("feedback_due", format_date(r.state.feedback_due)),
                base::member("feedback_days_overdue", r.state.feedback_days_overdue),
                base::member("chases", r.chases),
                base::member("last_chased_on", date_or_null(r.last_chased_on)),
                base::member("to_chase", r.state.to_chase)});
    }
    w.end_array()
        .field("repeat_threshold", report.repeat_threshold)
        .key("repeat_young_people")
        .begin_array();
    for (const auto& y : report.repeat_young_people) {
      w.begin_object().fields(
          {base::member("number", y.number), base::member("team", y.team),
           base::member("home_area", y.home_area), base::member("encounters", y.encounters),
           base::member("criminal_exploitation", y.criminal),
           base::member("sexual_exploitation", y.sexual), base::member("first_at", y.first_at),
           base::member("last_at", y.last_at), base::member("referrals", y.referrals)});
      w.key("places").begin_array();
      for (const auto& place : y.places) w.value(place);
      w.end_array().end_object();
    }
    w.end_array();
  });
}

std::string safeguarding_report_csv(const SafeguardingReport& report) {
  std::string out = "section,subject,team,date,days,detail\r\n";
  for (const auto& r : report.without_feedback) {
    out += "referral," + base::csv_field(r.subject) + ',' + base::csv_field(r.team) + ',' +
           format_date(r.sent_on) + ',' + std::to_string(r.days_since_sent) + ',' +
           base::csv_field(r.agency + " (" + r.contact_name + "): " + referral_detail(r)) + "\r\n";
  }
  for (const auto& y : report.repeat_young_people) {
    std::string places;
    for (const auto& place : y.places) places += (places.empty() ? "" : "; ") + place;
    out += "young_person," + base::csv_field(y.number) + ',' + base::csv_field(y.team) + ',' +
           y.last_at.substr(0, 10) + ',' + std::to_string(y.encounters) + ',' +
           base::csv_field(std::to_string(y.criminal) + " criminal, " + std::to_string(y.sexual) +
                           " sexual exploitation; " + counted(y.referrals, "referral") +
                           "; met at " + places) +
           "\r\n";
  }
  return out;
}

std::string safeguarding_report_table(const SafeguardingReport& report) {
  std::string out;
  append_line(out, "Safeguarding as of %s\n\nReferrals without feedback: %zu\n",
              format_date(report.as_of).c_str(), report.without_feedback.size());
  for (const auto& r : report.without_feedback) {
    append_line(out, "  %-12s  sent %s  %-28s  %s\n", r.subject.c_str(),
                format_date(r.sent_on).c_str(), r.agency.c_str(), referral_detail(r).c_str());
  }
  append_line(out, "\nYoung people with %d or more encounters: %zu\n", report.repeat_threshold,
              report.repeat_young_people.size());
  for (const auto& y : report.repeat_young_people) {
    append_line(out, "  %-12s  %3d encounters  last %s  %d criminal, %d sexual  %s\n",
                y.number.c_str(), y.encounters, y.last_at.c_str(), y.criminal, y.sexual,
                counted(y.referrals, "referral").c_str());
  }
  return out;
}

}  // namespace vigil::reports
