// The field app's files, built into the library (mobile/CMakeLists.txt, vigil_embed) from
// mobile/app/: the one page, its style sheet and its script, served by FieldApp.
#pragma once

#include <string_view>

namespace vigil::mobile {
std::string_view app_html();
std::string_view app_css();
std::string_view app_js();
}  // namespace vigil::mobile
