// The sealed store: a SQLite VFS that encrypts every page of a database and of its write-ahead log
// with AES-256-GCM (core/base/seal.hpp) before it reaches the disk, and authenticates every page
// it reads back. Used for the tablet's store (docs/tablet-at-rest.md); the server's database is
// not sealed.
//
// Layout. Pages are 4,096 bytes and SQLite is told to leave the last 28 of each unused (its
// "reserved bytes"): they hold the page's nonce and tag. The 4,068 bytes before them are
// encrypted, the 100-byte database header of page 1 included, with the file's kind and the page's
// place as associated data, so a page moved within or between files fails too. The log's 32-byte
// header and each frame's 24-byte header stay as SQLite wrote them (page numbers, salts and
// checksums, nothing of the records). Reads give back the reserved bytes as zeros, which is what
// SQLite wrote there: the log's checksums, taken over what SQLite wrote, still hold.
//
// A page that fails authentication is refused with SQLITE_IOERR_DATA, never handed to SQLite, with
// one exception: the recovery of a log after a crash reads whole frames, and a frame that fails
// there is the one a cut-off write leaves at the end of the log; it is handed over as it is, and
// SQLite's checksum ends the log before it, as it does without encryption.
//
// Rollback journals, temporary databases and statement journals never reach the disk: they are
// kept in memory (the store runs in WAL mode, so a rollback journal only ever holds the creation
// of an empty database). Memory-mapped reads are not offered.
//
// One SealedVfs per connection, registered under a name of its own for as long as it lives; it
// must outlive the connection. Threads: as its connection.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "vigil/base/seal.hpp"

struct sqlite3;

namespace vigil::store {

inline constexpr int kSealedPageSize = 4096;

class SealedVfs {
 public:
  explicit SealedVfs(const base::SecretKey& key);
  ~SealedVfs();
  SealedVfs(const SealedVfs&) = delete;
  SealedVfs& operator=(const SealedVfs&) = delete;

  [[nodiscard]] const char* name() const;
  // The sentence for the last page refused, naming it ("page 3 of /path/pc.db"); nothing when
  // none was.
  [[nodiscard]] std::optional<std::string> refusal() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// The same for a connection: nothing when `db` is not sealed, refused nothing, or has no file
// open (a failed open: ask its SealedVfs).
[[nodiscard]] std::optional<std::string> refusal_of(sqlite3* db);

}  // namespace vigil::store
