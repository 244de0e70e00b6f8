// The database file the server opened, watched for being replaced, renamed or deleted under it.
// SQLite keeps writing to the file it opened, so a server whose file has gone from its path
// would go on acknowledging pushes into a file nobody will ever open again. Once the path no
// longer names the file opened at start-up, the server acknowledges nothing more and says so
// (503, /readyz 503, and one line in its log), until it is restarted on a database.
// Thread-safe. Private to server/.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include "request_log.hpp"
#include "vigil/store/backup.hpp"

namespace vigil::server {

class DatabaseFile {
 public:
  // Notes which file `path` names now; throws vigil::Error when there is none.
  // The log is told, once, when the file has gone. Holds the file as served (ServingHold) for
  // as long as it lives, so vigil restore refuses to replace it; throws when a restore holds it.
  DatabaseFile(std::filesystem::path path, const OperatorLog& log);

  // Whether `path` still names the file opened; once it does not, never again (a new file put
  // in its place is not the one the server's connections write to). A stat() call.
  bool intact();
  // The sentence a refused request and the log carry.
  std::string gone_message() const;

 private:
  std::filesystem::path path_;
  const OperatorLog& log_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  std::atomic<bool> gone_{false};
  std::optional<store::ServingHold> hold_;
};

}  // namespace vigil::server
