#include "text_table.hpp"

#include <cstdarg>
#include <cstdio>

namespace vigil::reports {

void append_line(std::string& out, const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::va_list again;
  va_copy(again, args);
  const int length = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  if (length > 0) {
    const std::size_t start = out.size();
    out.resize(start + static_cast<std::size_t>(length) + 1);
    std::vsnprintf(out.data() + start, static_cast<std::size_t>(length) + 1, format, again);
    out.resize(start + static_cast<std::size_t>(length));  // drop vsnprintf's terminating NUL
  }
  va_end(again);
}

}  // namespace vigil::reports
