// The policy versions repository: each version of the force's policy with the date it takes
// effect, who approved it and why (docs/domain.md, "Policy"). One thread per Database; throws
// vigil::Error when the database fails or a stored version does not parse.
#pragma once

#include <string_view>

#include "vigil/rules/dates.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/store/store.hpp"

namespace vigil::store {

struct PolicyRecord {
  int version;
  Date effective_from;
  std::string approved_by;
  std::string rationale;
};
// The newest stored version's number; 0 when the database holds none.
int latest_policy_version(Database& db);
// Stores a new version (numbered after the newest) and returns its number.
int add_policy_version(Database& db, const Policy& policy, Date effective_from,
                       std::string_view approved_by, std::string_view rationale);
// The version in force on that date: the newest effective on or before it; the defaults when
// the database holds none.
Policy policy_in_force(Database& db, Date as_of);

}  // namespace vigil::store
