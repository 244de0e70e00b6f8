#include <catch2/catch.hpp>

#include <string>

#include "vigil/base/error.hpp"
#include "vigil/base/gzip.hpp"

using namespace vigil;

TEST_CASE("gzip: what is packed unpacks to the same bytes, and a pull page's JSON shrinks",
          "[base][gzip]") {
  std::string page = "{\"items\": [";
  for (int i = 0; i < 2000; ++i) {
    page += "{\"entity\": \"visit\", \"entity_id\": \"" + std::to_string(i * 7919) +
            "\", \"fields\": {\"outcome\": \"seen\", \"announced\": \"no\"}},";
  }
  page += "]}";
  const std::string packed = base::gzip(page);
  CHECK(packed.size() * 5 < page.size());
  CHECK(base::gunzip(packed, page.size()) == page);
  // Packed fast, as a report is: the same bytes back, in a body no smaller.
  const std::string fast = base::gzip(page, base::Packing::fastest);
  CHECK(base::gunzip(fast, page.size()) == page);
  CHECK(fast.size() >= packed.size());
  CHECK(base::gunzip(base::gzip(""), 0).empty());
  const std::string binary("\0\x01\xff\x7f zero", 9);
  CHECK(base::gunzip(base::gzip(binary), 100) == binary);
}

TEST_CASE("gunzip: refuses what is not whole gzip, or unpacks past its limit, saying so",
          "[base][gzip]") {
  const std::string plain(100000, 'a');
  const std::string packed = base::gzip(plain);
  // A small body that unpacks to far more than the client will hold.
  CHECK_THROWS_WITH(base::gunzip(packed, 99999), Catch::Contains("unpacks to more than 99999"));
  CHECK_THROWS_WITH(base::gunzip("not gzip at all", 1000), Catch::Contains("not whole gzip"));
  CHECK_THROWS_WITH(base::gunzip(packed.substr(0, packed.size() / 2), 200000),
                    Catch::Contains("not whole gzip"));
  CHECK_THROWS_WITH(base::gunzip(packed + "junk", 200000), Catch::Contains("bytes follow"));
  CHECK_THROWS_AS(base::gunzip("", 10), Error);
}

TEST_CASE("accepts_gzip: reads Accept-Encoding as RFC 9110 says", "[base][gzip]") {
  CHECK(base::accepts_gzip("gzip"));
  CHECK(base::accepts_gzip("gzip, deflate, br"));
  CHECK(base::accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  CHECK(base::accepts_gzip("*"));
  CHECK(base::accepts_gzip(" deflate , gzip "));
  CHECK_FALSE(base::accepts_gzip(""));
  CHECK_FALSE(base::accepts_gzip("identity"));
  CHECK_FALSE(base::accepts_gzip("deflate, br"));
  CHECK_FALSE(base::accepts_gzip("gzip;q=0"));
  CHECK_FALSE(base::accepts_gzip("gzip; q=0.000"));
  CHECK_FALSE(base::accepts_gzip("x-gzip2"));
}
