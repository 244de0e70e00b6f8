// Safeguarding referrals' timers and the chase when one is missed (docs/domain.md, "Safeguarding
// referrals, young people at risk and repeat encounters"). Pure functions.
#pragma once

#include <optional>

#include "vigil/rules/dates.hpp"
#include "vigil/rules/policy.hpp"

namespace vigil {

// A referral's steps and when each is due: the acknowledgement and the feedback within the
// policy's days beginning with the day it was sent, weekends and holidays counted (the loop broke
// at weekends most of all).
struct ReferralSteps {
  Date sent_on;
  std::optional<Date> acknowledged_on, feedback_on;
  std::optional<Date> last_chased_on;
};

struct ReferralState {
  Date acknowledgement_due, feedback_due;
  // Days past the due date of a step not yet done: 0 when it is not overdue (or done).
  int acknowledgement_days_overdue = 0;
  int feedback_days_overdue = 0;
  // A step is overdue and no one has chased since its due date passed: the referral is chased
  // (once for each step missed).
  bool to_chase = false;
};

ReferralState referral_state(const ReferralSteps& referral, Date as_of, const Policy& policy);

}  // namespace vigil
