// Files built into vigil-server (server/CMakeLists.txt, vigil_embed): the OpenAPI description of
// the HTTP API, written by hand in server/openapi/openapi.json and checked by a validator, and the
// dashboard's page, style sheet and script from server/dashboard/, served at /.
#pragma once

#include <string_view>

namespace vigil::server {
std::string_view openapi_document();
std::string_view dashboard_html();
std::string_view dashboard_css();
std::string_view dashboard_js();
}  // namespace vigil::server
