// The safeguarding report for the panel and the morning meeting (docs/domain.md, "Safeguarding
// referrals, young people at risk and repeat encounters"): referrals still without feedback, each
// with its timers and whether it must be chased; and young people with the policy's number of
// encounters or more (three by default), known by their anonymised numbers. The timers are
// safeguarding.hpp's; this file loads the facts in a few set-based queries and applies them.
// The caller owns the Database; one thread. Throws vigil::Error when the database fails.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/reports/overdue_report.hpp"
#include "vigil/rules/safeguarding.hpp"
#include "vigil/store/store.hpp"

namespace vigil::reports {

struct ReferralAwaitingFeedback {
  std::string id;
  std::string subject;  // the young person's number (a nominal's ref for a household referral)
  std::string team, agency, contact_name, officer;
  Date sent_on;
  std::optional<Date> acknowledged_on, last_chased_on;
  int chases = 0;
  int days_since_sent = 0;
  ReferralState state;
};

struct RepeatYoungPerson {
  std::string number, team, home_area;
  int encounters = 0;
  int criminal = 0, sexual = 0;  // encounters with markers of criminal or sexual exploitation
  std::string first_at, last_at;
  std::vector<std::string> places;  // where they were met most often, at most three
  int referrals = 0;
};

struct SafeguardingReport {
  Date as_of;
  int repeat_threshold = 3;                                // the policy's
  std::vector<ReferralAwaitingFeedback> without_feedback;  // most overdue first
  std::vector<RepeatYoungPerson> repeat_young_people;      // most encounters first
};

SafeguardingReport safeguarding_report(store::Database& db, Date as_of, const ReportScope& scope);

std::string safeguarding_report_json(const SafeguardingReport& report,
                                     const ReportStamp* stamp = nullptr);
// One table: section (referral, young_person), subject, team, date (sent, or the last
// encounter), days (since sent, or encounters), detail.
std::string safeguarding_report_csv(const SafeguardingReport& report);
std::string safeguarding_report_table(const SafeguardingReport& report);

inline constexpr DatedReport<SafeguardingReport> kSafeguardingReport{
    "safeguarding", safeguarding_report, safeguarding_report_json, safeguarding_report_csv,
    safeguarding_report_table};

}  // namespace vigil::reports
