// Record ids: random (version 4) UUIDs made where the record is created, so tablets can make
// them offline. The generator is injected where output must be reproducible (seeding, tests).
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace vigil {

// A UUID from 128 bits of the given generator, as 36 lowercase characters.
std::string make_uuid(std::mt19937_64& random);
// A UUID from the operating system's random source.
std::string make_uuid();
bool is_uuid(std::string_view text);

}  // namespace vigil
