#include <catch2/catch.hpp>

#include "vigil/rules/text.hpp"

TEST_CASE("a count reads in the singular for one and in the plural otherwise", "[text]") {
  // What the bail board printed before: "in 1 days".
  CHECK(vigil::counted(1, "day") == "1 day");
  CHECK(vigil::counted(0, "day") == "0 days");
  CHECK(vigil::counted(2, "officer") == "2 officers");
}
