// Text in URLs and HTTP headers. Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace vigil::base {

// The query-string form of `text`: everything but RFC 3986's unreserved characters
// percent-encoded, so a parameter's value reaches the server exactly as given.
std::string query_escaped(std::string_view text);

// ASCII letters in lower case, other bytes as they are: how header names and tokens compare.
std::string ascii_lower(std::string_view text);

}  // namespace vigil::base
