// The server's one writer: the connection every push (a conflict decision is one too) is written
// through, one group at a time, by the merge engine (whose clock is one per server), with group
// commit and the background checkpoint.
// Private to server/.
//
// Group commit (group_commit.hpp): a push that arrives while another is being written waits;
// when the writer is free, the waiting thread that gets there first takes the pushes then waiting
// (up to a bound on their changes) and writes them in one transaction with one commit, then
// answers each. Under load the disk is waited for once for many pushes; a lone push is written at
// once, alone.
//
// Background checkpoint: commits do not copy the write-ahead log back into the database (which
// takes two more waits for the disk); a thread of its own, with its own connection, does that
// once the log has grown, beside the writer instead of in its way. Should it fall far behind,
// the writer checkpoints itself so the log stays bounded.
//
// Threads: push() may be called from any number of threads at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "group_commit.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/engine.hpp"

namespace vigil::server {

// Whether a connection memory-maps the database file. Making a report reads hundreds of
// megabytes, which a map serves faster than read() calls. But a commit on any other connection
// (and every report read commits its audit row) makes SQLite drop a connection's whole map at
// its next read, and dropping and faulting it in again costs far more than the few pages a
// request's own lookups read. So only connections that read much map the file: those making
// reports, and the writer, whose pushes read the records they change.
enum class FileMap { off, on };

// A connection to the server's existing database that commits with synchronous=FULL: every
// connection of the server (the pools', the writer's, the audit queue's) is opened so, since
// nothing is acknowledged before it is on disk.
store::Database open_durable(const std::filesystem::path& database, FileMap map);

class Writer {
 public:
  // Opens the writer connection (synchronous=FULL) and starts the checkpoint thread. Pushes go
  // through `engine`, which must outlive the writer; its pulls need no writer.
  Writer(const std::filesystem::path& database, sync::SyncEngine& engine);
  ~Writer();  // stops the checkpoint thread; the connections close cleanly
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Writes the push, durably, and gives its outcomes; throws what the engine throws.
  sync::PushResponse push(const sync::Caller& caller, const sync::PushRequest& request);

 private:
  // A push, and what the writer made of it.
  struct Pending {
    const sync::Caller& caller;
    const sync::PushRequest& request;
    sync::PushResponse response;
    std::exception_ptr error;  // this push failed; the others of its group may not have
  };
  static std::size_t changes_in(const Pending& push) { return push.request.changes.size(); }
  void write_group(const std::vector<Pending*>& group);
  static int on_wal_commit(void* self, struct sqlite3* db, const char* name, int pages);
  void checkpoint_loop();

  sync::SyncEngine& engine_;
  store::Database db_;

  GroupCommit<Pending> group_commit_;  // its writing thread is the only one using db_, engine_

  store::Database checkpoint_db_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wanted_;
  bool checkpoint_due_ = false;
  bool stopping_ = false;
  std::thread checkpointer_;
};

}  // namespace vigil::server
