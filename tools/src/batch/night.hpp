// What one night's checks read (Night, read once in the snapshot), and the pieces of the nightly
// run that share it: the invariants (invariants.cpp), the flags (flags.cpp), the reconciliation
// that runs them all (reconcile.cpp) and the morning page (morning_page.cpp). Private to batch/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "vigil/base/progress.hpp"
#include "vigil/reports/backlog_trend.hpp"
#include "vigil/reports/compliance_report.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/reports/report_stamp.hpp"
#include "vigil/reports/safeguarding_report.hpp"
#include "vigil/reports/suspects_report.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/store/store.hpp"
#include "vigil/tools/batch.hpp"

namespace vigil::backoffice::batch_detail {

// What one night's checks read: the reports and the stamp, made once in the snapshot.
struct Night {
  Date as_of;
  Instant cutoff;         // the end of the as-of day, Europe/London
  std::string day_start;  // its start, as stored instants are written
  Policy policy;          // in force on the as-of date
  reports::OverdueReport overdue;
  reports::SuspectsReport suspects;
  reports::ComplianceReport compliance;
  reports::SafeguardingReport safeguarding;
  reports::ReportStamp stamp;
};

Night read_night(store::Database& db, Date as_of, base::Progress& progress);

Finding finding(std::vector<std::pair<std::string, std::string>> records, std::string detail);

// Invariants (invariants.cpp): the integrity of the data, which every write keeps; a breach means
// the data is broken and fails the run.
Check applied_once(store::Database& db);
Check sequence_without_gaps(store::Database& db);
Check read_audit_whole(store::Database& db);
Check visits_have_nominals(store::Database& db);
Check references_present(store::Database& db);
Check team_copies_match(store::Database& db);

// Flags (flags.cpp): what the morning meeting should look at, the findings of practice among
// them; they never fail the run.
Check silent_with_pending(const Night& night);
Check clock_skew(store::Database& db, const Night& night);
Check old_conflicts(store::Database& db, const Night& night);
Check overdue_high_risk(const Night& night);
Check visits_below_crew(const Night& night);
Check nominals_unmanaged(store::Database& db);
Check breaches_not_followed_up(store::Database& db, const Night& night);
Check referrals_overdue(const Night& night);
Check repeat_encounters(const Night& night);
Check bail_ending(const Night& night);
Check suspects_untraced(const Night& night);

// Every invariant and flag, and the day's sync (reconcile.cpp).
Reconciliation reconcile_night(store::Database& db, const Night& night, base::Progress& progress);

// The morning page, summary.html (morning_page.cpp).
std::string summary_html(const Night& night, const Reconciliation& r,
                         const reports::BacklogTrend& trend);

}  // namespace vigil::backoffice::batch_detail
