// gzip (RFC 1952) for HTTP answers: what the server sends a client that accepts it (pull pages
// and reports shrink tenfold, which is what a tablet on a rural link waits for), and what the
// client unpacks. zlib stays inside src/gzip.cpp.
//
// Free functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil::base {

// How hard zlib works: `smallest` for what crosses a slow link (a tablet's pull pages), `fastest`
// for large answers read on the force's own network (reports), where packing time is what the
// reader waits for (a third of the bytes' time at zlib's default level, some 30% more bytes).
enum class Packing { smallest, fastest };

std::string gzip(std::string_view plain, Packing packing = Packing::smallest);

// Throws vigil::Error (invalid_input) when `packed` is not one whole gzip member, or would unpack
// to more than `limit` bytes (a small answer that unpacks to gigabytes is refused, not held).
std::string gunzip(std::string_view packed, std::size_t limit);

// Whether an Accept-Encoding header's value accepts gzip: the token `gzip` (or `*`) without a
// weight of 0. Case does not matter; "gzip;q=0" refuses it.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace vigil::base
