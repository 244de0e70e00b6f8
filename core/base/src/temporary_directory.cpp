#include "vigil/base/temporary_directory.hpp"

#include <string>
#include <system_error>
#include <utility>

#include "vigil/base/digest.hpp"

namespace vigil::base {

TemporaryDirectory::TemporaryDirectory(std::string_view prefix, const std::filesystem::path& under)
    : path_(under / (std::string(prefix) + random_hex(8))) {
  std::filesystem::create_directories(path_);
}

TemporaryDirectory::TemporaryDirectory(TemporaryDirectory&& other) noexcept
    : path_(std::exchange(other.path_, {})) {}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ignored;  // a destructor never throws; what is left is the system's to clear
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

}  // namespace vigil::base
