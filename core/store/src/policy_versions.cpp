#include "vigil/store/policy_versions.hpp"

#include <chrono>
#include <string>

#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"

namespace vigil::store {

int latest_policy_version(Database& db) {
  return static_cast<int>(single_int(db, "SELECT coalesce(max(version), 0) FROM policy_versions"));
}

int add_policy_version(Database& db, const Policy& policy, Date effective_from,
                       std::string_view approved_by, std::string_view rationale) {
  const int version = latest_policy_version(db) + 1;
  auto insert = db.prepare(
      "INSERT INTO policy_versions (id, version, effective_from, approved_by, rationale, body, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind_all(
      base::make_uuid(), version, format_date(effective_from), approved_by, rationale,
      policy_to_json(policy),
      format_instant(date::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
  insert.run();
  return version;
}

Policy policy_in_force(Database& db, Date as_of) {
  // Every report asks, so the statement is kept (cached) rather than parsed each time.
  auto& select = db.cached(
      "SELECT version, effective_from, body FROM policy_versions WHERE effective_from <= ? "
      "ORDER BY effective_from DESC, version DESC LIMIT 1");
  select.bind_all(format_date(as_of));
  if (!select.step()) return default_policy();
  const auto version = static_cast<int>(select.column_int(0));
  const std::string effective_from = select.column_text(1);
  auto parsed = parse_policy(select.column_text(2));
  select.reset();
  if (!parsed.policy) {
    throw Error(ErrorCode::internal, "stored policy version " + std::to_string(version) +
                                         " is unreadable: " + parsed.error);
  }
  Policy policy = *parsed.policy;
  policy.version = version;
  policy.effective_from = parse_date(effective_from);
  return policy;
}

}  // namespace vigil::store
