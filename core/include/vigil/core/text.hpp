// Words for the people who read Vigil's output: a count with its noun, singular or plural.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

// "1 day", "0 days", "3 officers". Only for nouns whose plural adds an "s".
inline std::string counted(std::int64_t count, std::string_view noun) {
  return std::to_string(count) + ' ' + std::string(noun) + (count == 1 ? "" : "s");
}

}  // namespace vigil
