// Writing the nightly run's output aside, then renaming it into place (publish.hpp).
#include "batch/publish.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "vigil/base/error.hpp"

namespace vigil::backoffice::batch_detail {

namespace {

// The files a run writes: an output folder holding anything else is not the nightly run's.
constexpr const char* kOutputFiles[] = {
    "compliance.json", "devices.json",   "manifest.json", "manifest.sig", "overdue.csv",
    "overdue.json",    "reconcile.json", "summary.html",  "suspects.csv", "suspects.json"};

}  // namespace

// The folder a run may replace: new, empty, or a previous run's output. Anything else (".", the
// database's folder, a file) is refused before anything is written, since publishing replaces
// the folder whole.
void check_output(const std::filesystem::path& target) {
  if (!std::filesystem::exists(target)) return;
  if (std::filesystem::equivalent(target, std::filesystem::current_path())) {
    throw Error(ErrorCode::invalid_input,
                "--out " + target.string() +
                    " is the current folder, which the run would replace whole; name a folder "
                    "of its own");
  }
  if (!std::filesystem::is_directory(target)) {
    throw Error(ErrorCode::invalid_input,
                "--out " + target.string() + " is a file, not a folder for the run's output");
  }
  for (const auto& entry : std::filesystem::directory_iterator(target)) {
    const auto name = entry.path().filename().string();
    if (std::find(std::begin(kOutputFiles), std::end(kOutputFiles), name) ==
        std::end(kOutputFiles)) {
      throw Error(ErrorCode::invalid_input,
                  "--out " + target.string() + " holds '" + name +
                      "', which no nightly run wrote; the run replaces its output folder whole, "
                      "so give it a new or empty folder, or a previous run's");
    }
  }
}

OutputLock::OutputLock(const std::filesystem::path& target)
    : lock_(target.string() + ".lock", base::FileLock::Mode::exclusive,
            {.create = true, .permissions = 0640}) {
  if (!lock_.held()) {
    throw Error(ErrorCode::invalid_input, "another vigil batch is writing to " + target.string() +
                                              "; try again when it ends");
  }
}

// On disk before it is renamed into place: written, flushed to the disk, closed, each checked.
void write_file(const std::filesystem::path& path, const std::string& bytes) {
  write_and_close(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640), path,
                  bytes);
}

void write_and_close(int fd, const std::filesystem::path& path, const std::string& bytes) {
  bool ok = fd >= 0;
  for (std::size_t done = 0; ok && done < bytes.size();) {
    const auto wrote = ::write(fd, bytes.data() + done, bytes.size() - done);
    ok = wrote > 0;
    if (ok) done += static_cast<std::size_t>(wrote);
  }
  ok = ok && ::fsync(fd) == 0;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  if (!ok) throw Error(ErrorCode::io, "cannot write " + path.string());
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(bytes).str();
}

void sync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw Error(ErrorCode::io, "cannot flush " + folder.string() + " to the disk");
  }
  ::close(fd);
}

// The previous output aside, the new one in, the previous removed. `out` always holds a whole
// run's output, except between the two renames, when the previous one is whole as
// FOLDER.previous; a failed second rename puts it back.
void publish(const std::filesystem::path& partial, const std::filesystem::path& out) {
  const std::filesystem::path aside = out.string() + ".previous";
  std::filesystem::remove_all(aside);
  const bool had_previous = std::filesystem::exists(out);
  if (had_previous) std::filesystem::rename(out, aside);
  try {
    std::filesystem::rename(partial, out);
  } catch (...) {
    if (had_previous) std::filesystem::rename(aside, out);
    throw;
  }
  sync_folder(out.parent_path());
  std::filesystem::remove_all(aside);
}

}  // namespace vigil::backoffice::batch_detail
