#include "database_file.hpp"

#include <sys/stat.h>

#include "vigil/base/error.hpp"

namespace vigil::server {

DatabaseFile::DatabaseFile(std::filesystem::path path, const OperatorLog& log)
    : path_(std::move(path)), log_(log) {
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) {
    throw Error(ErrorCode::io, "there is no database at " + path_.string());
  }
  hold_.emplace(path_);
  device_ = info.st_dev;
  inode_ = info.st_ino;
}

bool DatabaseFile::intact() {
  if (gone_.load(std::memory_order_relaxed)) return false;
  struct stat info {};
  if (::stat(path_.c_str(), &info) == 0 && info.st_dev == device_ && info.st_ino == inode_) {
    return true;
  }
  if (!gone_.exchange(true)) {
    log_.failure(gone_message());
  }
  return false;
}

std::string DatabaseFile::gone_message() const {
  return "the database file " + path_.string() +
         " was replaced, renamed or deleted while the server ran, so nothing more is accepted; "
         "put it back or restore it and restart the server";
}

}  // namespace vigil::server
