// Audit rows written with group commit. Every report read writes its audit row before the report
// is answered, and a commit waits for the disk; twenty supervisors opening the dashboard at once
// would otherwise queue for twenty waits, one after another. A row handed to write() joins the
// rows waiting; the first caller to find the queue's connection free writes every row then
// waiting in one transaction and one commit, and each caller returns once its row is on disk.
// Thread-safe. Private to server/.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

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
  struct Waiting {
    std::vector<AuditRow> rows;
    std::exception_ptr error;
    bool done = false;
  };

  store::Database db_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Waiting*> queue_;
  bool writing_ = false;
};

}  // namespace vigil::server
