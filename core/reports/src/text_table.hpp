// How the reports' table renderers lay out their lines: printf's formats (columns by width),
// appended to the text being built. The compiler checks each format against its arguments.
#pragma once

#include <string>

namespace vigil::reports {

[[gnu::format(printf, 2, 3)]] void append_line(std::string& out, const char* format, ...);

}  // namespace vigil::reports
