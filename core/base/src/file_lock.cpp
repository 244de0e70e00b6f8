#include "vigil/base/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "vigil/base/error.hpp"

namespace vigil::base {

FileLock::FileLock(const std::filesystem::path& path, Mode mode, Opening opening)
    : fd_(::open(path.c_str(), opening.create ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC,
                 opening.permissions)) {
  if (fd_ < 0) {
    throw Error(ErrorCode::io, "could not open " + path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd_, (mode == Mode::shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) error_ = errno;
}

FileLock::~FileLock() {
  ::close(fd_);
}

}  // namespace vigil::base
