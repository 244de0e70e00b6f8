// The tables that hold a force's records, named once for the tests that check each of them.
#pragma once

#include <array>

// People and teams, nominals with their plans and visits, orders, notifications, referrals,
// suspects, bail, and the policy: everything but what the server and the tablets keep of
// devices, the audit trail and syncing.
inline constexpr std::array<const char*, 29> kRecordTables{"teams",
                                                           "officers",
                                                           "team_supervisors",
                                                           "nominals",
                                                           "addresses",
                                                           "assessments",
                                                           "plans",
                                                           "plan_actions",
                                                           "visits",
                                                           "visit_attendees",
                                                           "visit_amendments",
                                                           "failed_entries",
                                                           "orders",
                                                           "order_conditions",
                                                           "breaches",
                                                           "breach_follow_ups",
                                                           "notification_requirements",
                                                           "notifications",
                                                           "safeguarding_referrals",
                                                           "referral_chases",
                                                           "young_people",
                                                           "encounters",
                                                           "suspects",
                                                           "trace_enquiries",
                                                           "bail_cases",
                                                           "bail_extensions",
                                                           "bail_conditions",
                                                           "rui_reviews",
                                                           "policy_versions"};
