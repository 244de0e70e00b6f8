#include "vigil/base/error.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace vigil {

const char* to_string(ErrorCode code) {
  // In the order of the enumeration.
  static constexpr std::array<const char*, static_cast<std::size_t>(ErrorCode::internal) + 1>
      kNames{"database", "constraint", "migration", "io", "invalid_input", "not_found", "internal"};
  static_assert(std::ranges::none_of(kNames, [](const char* name) { return name == nullptr; }),
                "every error code has its name");
  return kNames.at(static_cast<std::size_t>(code));
}

Error::Error(ErrorCode code, const std::string& message, std::string context)
    : std::runtime_error(message), code_(code), context_(std::move(context)) {}

}  // namespace vigil
