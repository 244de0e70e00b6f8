// Writing the nightly run's output: aside, flushed to the disk, then renamed into place whole, one
// run at a time per output folder. Private to batch/. Each throws vigil::Error when the file
// system fails, or (check_output, OutputLock) when the folder is not the run's to replace.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "vigil/base/file_lock.hpp"

namespace vigil::backoffice::batch_detail {

void check_output(const std::filesystem::path& target);

// One run at a time per output folder: an exclusive lock on FOLDER.lock, beside it, for the
// life of the run (the file stays; the lock goes with the process).
class OutputLock {
 public:
  explicit OutputLock(const std::filesystem::path& target);

 private:
  base::FileLock lock_;
};

void write_file(const std::filesystem::path& path, const std::string& bytes);
// The same through a descriptor already open on `path` (-1: it could not be opened), closed after.
void write_and_close(int fd, const std::filesystem::path& path, const std::string& bytes);
// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& path);
void sync_folder(const std::filesystem::path& folder);
void publish(const std::filesystem::path& partial, const std::filesystem::path& out);

}  // namespace vigil::backoffice::batch_detail
