#include "vigil/rules/safeguarding.hpp"

#include <algorithm>

namespace vigil {

ReferralState referral_state(const ReferralSteps& referral, Date as_of, const Policy& policy) {
  ReferralState state;
  state.acknowledgement_due =
      days_beginning_with(referral.sent_on, policy.referral_acknowledge_days);
  state.feedback_due = days_beginning_with(referral.sent_on, policy.referral_feedback_days);
  // The latest due date passed of a step not done: a chase after it covers every step missed.
  std::optional<Date> missed;
  const auto overdue = [&](const std::optional<Date>& done, Date due) {
    if (done || as_of <= due) return 0;
    missed = missed ? std::max(*missed, due) : due;
    return days_between(due, as_of);
  };
  // Feedback given answers the acknowledgement too: a partnership that fed back has received it.
  state.acknowledgement_days_overdue =
      overdue(referral.acknowledged_on ? referral.acknowledged_on : referral.feedback_on,
              state.acknowledgement_due);
  state.feedback_days_overdue = overdue(referral.feedback_on, state.feedback_due);
  state.to_chase = missed && (!referral.last_chased_on || *referral.last_chased_on <= *missed);
  return state;
}

}  // namespace vigil
