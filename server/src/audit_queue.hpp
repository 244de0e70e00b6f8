// Audit rows written with group commit. Every report read writes its audit row before the report
// is answered, and a commit waits for the disk; twenty supervisors opening the dashboard at once
// would otherwise queue for twenty waits, one after another. So rows are written by group commit
// (group_commit.hpp): every row waiting in one transaction and one commit, and each caller returns
// once its row is on disk.
// Thread-safe. Private to server/.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "group_commit.hpp"
#include "vigil/store/store.hpp"

namespace vigil::server {

struct AuditRow {
  std::string id, occurred_at;
  std::optional<std::string> officer_id, device_id;
  std::string action, entity;
  std::optional<std::string> entity_id;
  std::string reason;
};

// Writes one audit row on `db`, in the caller's transaction: the one way the server writes
// them, alone (with what it audits, in one transaction) or grouped by the queue.
void insert_audit_row(store::Database& db, const AuditRow& row);

class AuditQueue {
 public:
  // Opens its own connection to the database (synchronous=FULL).
  explicit AuditQueue(const std::filesystem::path& database);

  // Returns once the row is committed; throws what writing it threw.
  void write(AuditRow row);
  // Several rows of one request (a pull page's records), committed together with the others.
  void write(std::vector<AuditRow> rows);

 private:
  void write_group(const std::vector<std::vector<AuditRow>*>& group);

  store::Database db_;
  GroupCommit<std::vector<AuditRow>> group_commit_;
};

}  // namespace vigil::server
