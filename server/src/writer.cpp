#include "writer.hpp"

#include <sqlite3.h>

#include <exception>
#include <vector>

namespace vigil::server {
namespace {

// A group holds at most this many changes (one push may hold up to 5,000 alone), so the pushes
// behind a group wait for a bounded amount of work.
constexpr std::size_t kGroupChanges = 5000;
// Pages in the log (4 KiB each) before the checkpoint thread copies them back. The log starts
// again from the top only when a write begins with every page of it copied, which under steady
// load the thread, always a commit behind, never achieves: past twice the size the writer copies
// the last few pages itself, right after its commit, so the next write starts the log again.
constexpr int kCheckpointPages = 16000;
constexpr int kWriterCheckpointPages = 2 * kCheckpointPages;

store::Database open_writer(const std::filesystem::path& database) {
  store::Database db = open_durable(database, FileMap::on);
  // A page cache that stays warm between pushes, large enough that a group's pages are not
  // spilled to the log before its commit.
  db.execute("PRAGMA cache_size = -65536");
  return db;
}

}  // namespace

store::Database open_durable(const std::filesystem::path& database, FileMap map) {
  store::OpenOptions options;
  options.create = false;
  options.durability = store::Durability::full;
  if (map == FileMap::off) options.mmap_bytes = 0;
  return store::Database(database, options);
}

Writer::Writer(const std::filesystem::path& database, sync::SyncEngine& engine)
    : engine_(engine),
      db_(open_writer(database)),
      // A group holds its first push and those after it while they fit in kGroupChanges.
      group_commit_([this](const auto& group) { write_group(group); }, &Writer::changes_in,
                    kGroupChanges),
      checkpoint_db_(open_durable(database, FileMap::off)) {
  // Replaces SQLite's own checkpoint after each commit (wal_autocheckpoint) with ours.
  sqlite3_wal_hook(db_.handle(), &Writer::on_wal_commit, this);
  checkpointer_ = std::thread([this] { checkpoint_loop(); });
}

Writer::~Writer() {
  {
    std::lock_guard lock(checkpoint_mutex_);
    stopping_ = true;
  }
  checkpoint_wanted_.notify_all();
  checkpointer_.join();
  sqlite3_wal_hook(db_.handle(), nullptr, nullptr);
}

sync::PushResponse Writer::push(const sync::Caller& caller, const sync::PushRequest& request) {
  Pending pending{caller, request, {}, nullptr};
  group_commit_.submit(pending);
  if (pending.error) std::rethrow_exception(pending.error);
  return std::move(pending.response);
}

void Writer::write_group(const std::vector<Pending*>& group) {
  if (group.size() > 1) {
    std::vector<sync::SyncEngine::Submission> submissions;
    submissions.reserve(group.size());
    for (const auto* push : group) submissions.push_back({push->caller, push->request});
    try {
      auto responses = engine_.push_together(db_, submissions);
      for (std::size_t i = 0; i < group.size(); ++i) group[i]->response = std::move(responses[i]);
      return;
    } catch (...) {
      // Rolled back whole: each push is taken again alone, so one that cannot be written does
      // not fail the others. A kept statement the failure left part-way through would hold an
      // old snapshot, on which the next BEGIN IMMEDIATE could never write.
      db_.reset_statements();
    }
  }
  for (auto* push : group) {
    try {
      push->response = engine_.push(db_, push->caller, push->request);
    } catch (...) {
      push->error = std::current_exception();
      db_.reset_statements();
    }
  }
}

int Writer::on_wal_commit(void* self, sqlite3* db, const char* name, int pages) {
  auto& writer = *static_cast<Writer*>(self);
  if (pages >= kWriterCheckpointPages) {
    // Busy (the thread is copying) costs nothing: this is tried again after the next commit.
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= kCheckpointPages) {
    {
      std::lock_guard lock(writer.checkpoint_mutex_);
      writer.checkpoint_due_ = true;
    }
    writer.checkpoint_wanted_.notify_one();
  }
  return SQLITE_OK;
}

void Writer::checkpoint_loop() {
  std::unique_lock lock(checkpoint_mutex_);
  while (true) {
    checkpoint_wanted_.wait(lock, [this] { return checkpoint_due_ || stopping_; });
    if (stopping_) return;
    checkpoint_due_ = false;
    lock.unlock();
    // PASSIVE copies what no reader still needs without taking the write lock, so pushes go on
    // meanwhile; once the whole log is copied, the next commit starts it again from the top.
    // One that cannot finish (a reader on an old snapshot) is simply taken up again next time.
    sqlite3_wal_checkpoint_v2(checkpoint_db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    lock.lock();
  }
}

}  // namespace vigil::server
