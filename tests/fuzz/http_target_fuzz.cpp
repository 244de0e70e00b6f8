// Fuzz target for the request-target parser, which every HTTP request's first line reaches
// before any route: a target either parses into a path that starts with '/' and holds no NUL,
// or is refused; it never crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vigil/http/server.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto target = vigil::http::parse_request_target(text);
  if (!target) return 0;
  if (target->path.empty() || target->path.front() != '/') std::abort();
  if (target->path.find('\0') != std::string::npos) std::abort();
  for (const auto& [name, value] : target->query) {
    if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos) {
      std::abort();
    }
  }
  return 0;
}
