#include "audit_queue.hpp"

#include "writer.hpp"

namespace vigil::server {

void insert_audit_row(store::Database& db, const AuditRow& r) {
  auto& insert = db.cached(
      "INSERT INTO audit_log (id, occurred_at, officer_id, device_id, action, entity, entity_id, "
      "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind_all(r.id, r.occurred_at, r.officer_id, r.device_id, r.action, r.entity, r.entity_id,
                  r.reason);
  insert.run();
}

// Durable: a read is answered only once its audit row is on disk.
AuditQueue::AuditQueue(const std::filesystem::path& database)
    : db_(open_durable(database, FileMap::off)),
      group_commit_([this](const auto& group) { write_group(group); }) {}

void AuditQueue::write(AuditRow row) {
  std::vector<AuditRow> rows;
  rows.push_back(std::move(row));
  write(std::move(rows));
}

void AuditQueue::write(std::vector<AuditRow> rows) {
  if (!rows.empty()) group_commit_.submit(rows);
}

void AuditQueue::write_group(const std::vector<std::vector<AuditRow>*>& group) {
  store::Transaction transaction(db_);
  for (const auto* rows : group) {
    for (const auto& row : *rows) insert_audit_row(db_, row);
  }
  transaction.commit();
}

}  // namespace vigil::server
