#include "vigil/rules/review.hpp"

namespace vigil {

bool dip_sampled(std::int64_t server_seq, int percent) {
  // splitmix64's finaliser: consecutive sequence numbers land far apart, so the draw does not
  // follow the order visits arrived in.
  auto x = static_cast<std::uint64_t>(server_seq);
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<int>(x % 100) < percent;
}

VisitReviewReasons visit_review_reasons(const VisitUnderReview& visit, const Policy& policy) {
  VisitReviewReasons out;
  // The officer's own words, or that they gave none (a tablet that did not ask).
  const auto said = [](const std::string& reason) {
    return reason.empty() ? std::string(" (no reason given)") : ": \"" + reason + "\"";
  };
  for (const auto& warning : visit_warnings(visit.facts, policy)) {
    const auto field = reason_field(warning.kind);
    if (field.empty()) continue;  // a warrant may be sought: for the officer, not a finding
    out.first = true;
    out.reasons.push_back(
        warning.kind == VisitWarningKind::short_crew
            ? std::to_string(visit.facts.attendees) + " of " +
                  std::to_string(required_crew(visit.facts.plan_double_crewed, policy)) +
                  " officers the plan requires" + said(visit.crew_reason)
            : "pre-arranged where the plan asks for unannounced visits" +
                  said(visit.announced_reason));
  }
  if (!visit.not_as_planned.empty()) {
    std::string code = visit.not_as_planned;
    for (auto& c : code) c = c == '_' ? ' ' : c;
    out.reasons.push_back("not as planned: " + code);
  }
  if (!visit.risk_change.empty()) {
    out.reasons.push_back("dynamic risk change: \"" + visit.risk_change + "\"");
  }
  if (out.reasons.empty() && dip_sampled(visit.server_seq, policy.review_sample_percent)) {
    out.reasons.push_back("drawn for dip sampling (" +
                          std::to_string(policy.review_sample_percent) + "% of visits)");
  }
  return out;
}

}  // namespace vigil
