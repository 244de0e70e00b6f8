// Fuzz target for the CSV reader, the first parser that outside files reach (vigil import).
// Built with libFuzzer by the `fuzz` preset; in every other build a replay driver runs the
// corpus in tests/fuzz/corpus/csv through it under CTest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vigil/base/csv.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto file = vigil::base::read_csv(text);
  // Records and problems come in file order, on lines the input has.
  int last_line = 0;
  for (const auto& record : file.records) {
    if (record.line <= last_line || record.fields.empty()) std::abort();
    last_line = record.line;
  }
  for (const auto& problem : file.problems) {
    if (problem.line < 1 || problem.reason.empty()) std::abort();
  }
  return 0;
}
