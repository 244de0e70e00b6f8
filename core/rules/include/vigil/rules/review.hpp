// What a supervisor's review queue holds and why (docs/domain.md, "Review"). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigil/rules/policy.hpp"
#include "vigil/rules/visit_rules.hpp"

namespace vigil {

// Dip sampling: a share of each officer's visits (the policy's review_sample_percent, 10 by
// default) is drawn into the queue. The draw hashes the sequence number the server gave the
// visit when it took it in, which no device chooses: the same visits are drawn whenever the queue
// is worked out, and no officer can steer their visits out of the sample by the ids they make.
bool dip_sampled(std::int64_t server_seq, int percent);

// A visit received through sync, as its plan in force and its amendments leave it.
struct VisitUnderReview {
  VisitAtTheDoor facts;          // attendees, announced, plan's crewing and unannounced rule
  std::string crew_reason;       // what the officer said when warned (may be empty)
  std::string announced_reason;  // likewise
  std::string not_as_planned;    // the reason code, or empty
  std::string risk_change;       // the dynamic risk change recorded, or empty
  std::int64_t server_seq = 0;
};

// Why the visit waits for review, each a sentence the supervisor reads, the officer's own words
// quoted: short of its crew, pre-arranged against the plan, a dynamic risk change, not as planned,
// drawn for dip sampling. Empty: the visit does not wait. `first` is set when the visit was short
// of its crew or pre-arranged against the plan: those come first in the queue.
struct VisitReviewReasons {
  std::vector<std::string> reasons;
  bool first = false;
};
VisitReviewReasons visit_review_reasons(const VisitUnderReview& visit, const Policy& policy);

}  // namespace vigil
