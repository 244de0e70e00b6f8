// An advisory lock on a file (flock(2)) for as long as the object lives. The lock goes with the
// process however it ends, so a crash never leaves one behind.
#pragma once

#include <filesystem>

namespace vigil::base {

class FileLock {
 public:
  enum class Mode { shared, exclusive };
  struct Opening {
    bool create = false;  // make the file when it is missing, readable by its owner (and group)
    unsigned permissions = 0600;
  };

  // Opens `path` and tries the lock without waiting; vigil::Error (io), naming the file and the
  // system's reason, when the file cannot be opened. Whether the lock was taken is held().
  FileLock(const std::filesystem::path& path, Mode mode, Opening opening);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // True when the lock is held; else errno from flock: EWOULDBLOCK when another holds it, another
  // value when the file system could not say (one without locks).
  bool held() const { return error_ == 0; }
  int error() const { return error_; }

 private:
  int fd_ = -1;
  int error_ = 0;
};

}  // namespace vigil::base
