// A supervisor's review queue over their teams (docs/domain.md, "Review"): what officers did that
// waits for a supervisor's sign-off, and for how long. Visits received through sync that were
// short of their crew or pre-arranged against the plan (first, with the officer's reasons), that
// carry a dynamic risk change or a "not as planned" code, or that were drawn for dip sampling; new
// and changed plans and assessments; open plan actions overdue or without an owner or a due date;
// breaches not followed up within a day; changes a tablet sent that the server rejected.
//
// An item leaves the queue when a supervisor signs it off or returns it to the officer, until the
// officer changes it again (a visit's amendment, a plan's next change). A returned item waits for
// the officer and is listed apart. What has waited longer than the policy's review window (90
// days) is counted, not listed: the queue is for steering today's work, and the count says how
// much was never reviewed. Worked out from the records and the decisions, in two parts: what
// stands all day while nothing in the teams' records changes, which a caller may keep (the
// server does, as it keeps reports), and what must be worked out at the moment it is asked for.
// The caller owns the Database; one thread. Throws vigil::Error when the database fails.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "vigil/reports/overdue_report.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/store/store.hpp"

namespace vigil::reports {

// The last decision on an item, when it was returned to the officer.
struct ReturnedTo {
  std::string reviewer, comment, at;
};

struct ReviewItem {
  ReviewSubject subject = ReviewSubject::visit;
  std::string subject_id;
  std::string team;        // the team whose record it is (the decision's team)
  std::string officer;     // whose work it is, by username ("" when no one is named)
  std::string nominal_id;  // the nominal it is about ("" for a rejected change)
  std::string nominal_ref;
  std::string summary;   // what it is: "visit 2026-11-30 09:12, seen", "plan from 2026-11-01"
  std::string since;     // the instant it has waited from
  int days_waiting = 0;  // London days from `since` to today
  bool first = false;    // short of its crew or pre-arranged against the plan
  std::vector<std::string> reasons;  // why it is in the queue, each a sentence
  std::optional<ReturnedTo> returned;
  // Whose own work it is, by officer id, which another supervisor of the team or an
  // administrator decides (docs/domain.md, "Review"): a rejected change's sender here; for the
  // rest the server fills it in by the sync engine's rule (sync::authors_of_work).
  std::vector<std::string> authors;
  bool own = false;  // the reader's own work: set by the server for whoever asks
};

// Items before the review window never reviewed, by subject (ReviewSubject's order).
using OlderUnreviewed = std::array<int, EnumNames<ReviewSubject>::names.size()>;

struct ReviewQueue {
  std::string now;             // when it was worked out
  int sample_percent = 0;      // the policy's dip-sampling share
  int window_days = 0;         // the policy's review window
  int recent_breach_days = 0;  // the policy's: how far back breaches are listed (not in the JSON)
  // Items waiting for the supervisor from before the window, never reviewed: counted by subject
  // (ReviewSubject's order), not listed.
  OlderUnreviewed older{};
  std::vector<ReviewItem> waiting;   // for the supervisor: first ones, then the longest waiting
  std::vector<ReviewItem> returned;  // with the officer, the longest waiting first
};

// The part that stands all day while no change lands in the teams (scope_generation): visits,
// plans and assessments, plan actions, and the recent breaches with no follow-up, with the
// decisions on them. Not yet in its order.
ReviewQueue review_queue_of_records(store::Database& db, Date today, const ReportScope& scope);

// `made` (from review_queue_of_records, today, with no change in the teams since) completed at
// `now`: of its breaches, those a day past with no follow-up (the hour decides), and the changes
// the server rejected, which no team's records show; then the lists in their order.
ReviewQueue completed_review_queue(store::Database& db, Instant now, const ReportScope& scope,
                                   ReviewQueue made);

std::string review_queue_json(const ReviewQueue& queue);

}  // namespace vigil::reports
