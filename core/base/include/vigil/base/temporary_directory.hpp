// A fresh directory that lasts as long as the object, then goes with everything in it (a
// database's WAL and shared-memory files included): a test's files, a benchmark's scratch
// databases.
#pragma once

#include <filesystem>
#include <string_view>

namespace vigil::base {

class TemporaryDirectory {
 public:
  // Named `prefix` and a random part, under `under` (the system's temporary directory unless
  // named: /dev/shm for work that writes much and must be quick).
  explicit TemporaryDirectory(std::string_view prefix, const std::filesystem::path& under =
                                                           std::filesystem::temp_directory_path());
  TemporaryDirectory(TemporaryDirectory&& other) noexcept;
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(TemporaryDirectory&&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace vigil::base
