// Record ids: random (version 4) UUIDs made where the record is created, so tablets can make
// them offline. The generator is injected where output must be reproducible (seeding, tests).
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace vigil::base {

// A UUID from 128 bits of the given generator, as 36 lowercase characters.
std::string make_uuid(std::mt19937_64& random);
// A UUID from the operating system's random source.
std::string make_uuid();
// A version 7 UUID: the Unix time in milliseconds, then random bits. Ids made in time order sit
// side by side in every index keyed by them, so a tablet's day of visits touches a few index
// pages instead of one page each. For records tablets and the server create.
std::string make_time_ordered_uuid(std::int64_t unix_ms, std::mt19937_64& random);
std::string make_time_ordered_uuid();  // now, from the operating system's random source
bool is_uuid(std::string_view text);

}  // namespace vigil::base
