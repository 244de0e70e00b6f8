// Policy: the force's settings for the rules marked "policy" in docs/domain.md. Policy is data:
// versioned rows with an effective date, an approver and a rationale; core/rules/policy/
// default_policy.json (the national defaults) is version 1. Plain values, safe to copy and share.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"

namespace vigil {

struct PriorityWeights {
  std::array<double, 4> risk_weight{1, 2, 4, 8};           // by RiskLevel
  double days_per_step = 90;                               // each step overdue adds the base again
  std::array<double, 5> kind_weight{1, 1, 0.8, 0.6, 1.2};  // by OverdueKind
  double no_fixed_abode = 0.25;                            // aggravating facts add these shares
  double crewing_not_met = 0.25;
  double recent_breach = 0.5;
};

struct Policy {
  int version = 0;  // 0: not yet stored
  std::optional<Date> effective_from;
  std::array<int, 4> visit_every_months{12, 6, 3, 1};  // by RiskLevel
  int visit_crew = 2;
  int reassess_every_months = 12;
  int reassess_after_risk_change_days = 14;
  int plan_review_every_months = 6;
  int plan_review_after_reassessment_days = 28;
  int rui_review_every_days = 28;
  int suspect_review_every_days = 28;
  int suspect_no_trace_flag_days = 7;
  int recent_breach_days = 90;
  int caseload_per_officer = 50;
  // The tablet locks itself after this long without use, and wipes itself after this many wrong
  // passwords in a row. Optional in a policy document (added after version 1): these defaults.
  int tablet_idle_lock_seconds = 300;
  int tablet_wrong_passwords_before_wipe = 10;
  // A safeguarding referral is acknowledged within, and fed back on within, these many days
  // beginning with the day it was sent (weekends count); a young person with this many
  // encounters or more goes to the panel. Optional in a policy document (added after version 1).
  int referral_acknowledge_days = 3;
  int referral_feedback_days = 28;
  int repeat_encounters = 3;
  // The share of each officer's visits drawn at random into their supervisor's review queue
  // (dip sampling). Optional in a policy document (added after version 1).
  int review_sample_percent = 10;
  // The review queue lists what waited this long or less; older work never reviewed is counted
  // beside it, never hidden. Optional in a policy document (added after version 1).
  int review_window_days = 90;
  PriorityWeights priority;
  // A named list of suspects the force puts before every other (as the Met's V100 does), by
  // reference: the suspects report lists them first, saying why. Optional in a policy document
  // (added after version 1): no list.
  struct PriorityList {
    std::string name;
    std::vector<std::string> suspects;  // references, as the suspects' records hold them
  };
  std::optional<PriorityList> priority_list;

  int visit_months(RiskLevel level) const { return visit_every_months[index_of(level)]; }
};

// Parses a policy document; on error, a sentence naming the field ("policy field
// visit_every_months.high must be a whole number from 1 to 120").
struct PolicyParse {
  std::optional<Policy> policy;
  std::string error;
};
PolicyParse parse_policy(std::string_view json);
std::string policy_to_json(const Policy& policy);

// The national defaults shipped with Vigil.
const char* default_policy_json();
Policy default_policy();

}  // namespace vigil
