#include "vigil/base/error.hpp"

#include <utility>

namespace vigil {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::database:
      return "database";
    case ErrorCode::constraint:
      return "constraint";
    case ErrorCode::migration:
      return "migration";
    case ErrorCode::io:
      return "io";
    case ErrorCode::invalid_input:
      return "invalid_input";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::internal:
      return "internal";
  }
  return "unknown";
}

Error::Error(ErrorCode code, const std::string& message, std::string context)
    : std::runtime_error(message), code_(code), context_(std::move(context)) {}

}  // namespace vigil
