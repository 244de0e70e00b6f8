// The OpenAPI 3 description of the HTTP API, served at /api/v1/openapi.json. Written by hand in
// server/openapi/openapi.json and embedded at build time; a test checks it with a validator.
#pragma once

#include <string_view>

namespace vigil::server {
std::string_view openapi_document();
}  // namespace vigil::server
