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
    : db_(open_durable(database, FileMap::off)) {}

void AuditQueue::write(AuditRow row) {
  std::vector<AuditRow> rows;
  rows.push_back(std::move(row));
  write(std::move(rows));
}

void AuditQueue::write(std::vector<AuditRow> rows) {
  if (rows.empty()) return;
  Waiting me{std::move(rows), nullptr, false};
  std::unique_lock lock(mutex_);
  queue_.push_back(&me);
  while (!me.done) {
    if (writing_) {
      changed_.wait(lock);
      continue;
    }
    // This thread writes every row waiting, its own among them. (Taken by swap, which cannot
    // throw: nothing may leave the queue marked as being written with no one writing it.)
    std::deque<Waiting*> group;
    group.swap(queue_);
    writing_ = true;
    lock.unlock();
    std::exception_ptr error;
    try {
      store::Transaction transaction(db_);
      for (const auto* waiting : group) {
        for (const auto& row : waiting->rows) insert_audit_row(db_, row);
      }
      transaction.commit();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    for (auto* waiting : group) {
      waiting->error = error;
      waiting->done = true;
    }
    writing_ = false;
    changed_.notify_all();
  }
  if (me.error) std::rethrow_exception(me.error);
}

}  // namespace vigil::server
