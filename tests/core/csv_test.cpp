#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "vigil/base/csv.hpp"

using namespace vigil;

namespace {

using Fields = std::vector<std::string>;

// The records of a file that must read without problems.
std::vector<base::CsvRecord> clean(std::string_view text) {
  base::CsvFile file = base::read_csv(text);
  for (const auto& problem : file.problems) {
    INFO("line " << problem.line << ": " << problem.reason);
  }
  REQUIRE(file.problems.empty());
  return file.records;
}

}  // namespace

TEST_CASE("csv: plain records, LF and CRLF, with and without a final newline", "[csv]") {
  for (std::string_view text :
       {"a,b,c\n1,2,3\n", "a,b,c\r\n1,2,3\r\n", "a,b,c\n1,2,3", "a,b,c\r1,2,3\r"}) {
    INFO(text);
    auto records = clean(text);
    REQUIRE(records.size() == 2);
    CHECK(records[0].fields == Fields{"a", "b", "c"});
    CHECK(records[0].line == 1);
    CHECK(records[1].fields == Fields{"1", "2", "3"});
    CHECK(records[1].line == 2);
  }
}

TEST_CASE("csv: empty fields, including a trailing one", "[csv]") {
  auto records = clean(",a,,\n,\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"", "a", "", ""});
  CHECK(records[1].fields == Fields{"", ""});
}

TEST_CASE("csv: quoted fields hold commas, doubled quotes and line breaks", "[csv]") {
  auto records = clean(
      "ref,note\n"
      "N1,\"Smith, John\"\n"
      "N2,\"said \"\"hello\"\"\"\n"
      "N3,\"two\nlines\"\n"
      "N4,\"\"\n"
      "N5,\"crlf\r\ninside\"\r\n"
      "N6,last\n");
  REQUIRE(records.size() == 7);
  CHECK(records[1].fields == Fields{"N1", "Smith, John"});
  CHECK(records[2].fields == Fields{"N2", "said \"hello\""});
  CHECK(records[3].fields == Fields{"N3", "two\nlines"});
  CHECK(records[3].line == 4);
  // The record after a quoted line break starts one line later than it would otherwise.
  CHECK(records[4].fields == Fields{"N4", ""});
  CHECK(records[4].line == 6);
  CHECK(records[5].fields == Fields{"N5", "crlf\r\ninside"});
  CHECK(records[5].line == 7);
  CHECK(records[6].fields == Fields{"N6", "last"});
  CHECK(records[6].line == 9);
}

TEST_CASE("csv: a byte-order mark is ignored and blank lines are skipped", "[csv]") {
  auto records = clean("\xEF\xBB\xBFref,name\n\n\r\nN1,Ann\n\n\nN2,Bob\n\n");
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == Fields{"ref", "name"});
  CHECK(records[1].line == 4);
  CHECK(records[2].line == 7);
  CHECK(records[2].fields == Fields{"N2", "Bob"});
}

TEST_CASE("csv: empty and whitespace-only input", "[csv]") {
  CHECK(clean("").empty());
  CHECK(clean("\xEF\xBB\xBF").empty());
  CHECK(clean("\n\r\n\n").empty());
  auto records = clean(" \n");
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{" "});
}

TEST_CASE("csv: valid UTF-8 passes through untouched", "[csv]") {
  auto records = clean("name\nZoë,\"Ørsted, 李\",😀\n");
  REQUIRE(records.size() == 2);
  CHECK(records[1].fields == Fields{"Zoë", "Ørsted, 李", "😀"});
}

TEST_CASE("csv: malformed records are reported with their line and left out", "[csv]") {
  struct Case {
    std::string text;
    int line;
    std::string reason_part;
    Fields kept_last;  // the last good record, proving reading carried on
  };
  std::vector<Case> cases{
      {"a,b\nx,y\"z\nc,d\n", 2, "double quote inside an unquoted field", {"c", "d"}},
      {"a,b\n\"x\"y,z\nc,d\n", 2, "after the closing quote", {"c", "d"}},
      {"a,b\n\"x\" ,z\nc,d\n", 2, "after the closing quote", {"c", "d"}},
      {"a,b\nc,d\ne,\"never\nclosed\n", 3, "never closed", {"c", "d"}},
      {"a,b\nbad\xFF,z\nc,d\n", 2, "invalid UTF-8 (byte 0xFF)", {"c", "d"}},
      {"a,b\n\"multi\nline \xC3\x28\",z\nc,d\n", 3, "invalid UTF-8", {"c", "d"}},
      {"a,b\nover\xC0\xAF,z\nc,d\n", 2, "invalid UTF-8", {"c", "d"}},
      {"a,b\nsurrogate\xED\xA0\x80,z\nc,d\n", 2, "invalid UTF-8", {"c", "d"}},
      {"a,b\ncut\xE2\x82", 2, "invalid UTF-8", {"a", "b"}},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    base::CsvFile file = base::read_csv(c.text);
    REQUIRE(file.problems.size() == 1);
    CHECK(file.problems[0].line == c.line);
    CHECK(file.problems[0].reason.find(c.reason_part) != std::string::npos);
    REQUIRE(!file.records.empty());
    CHECK(file.records.back().fields == c.kept_last);
    CHECK(file.records.front().fields == Fields{"a", "b"});
  }
}

TEST_CASE("csv: every malformed record is reported, not just the first", "[csv]") {
  base::CsvFile file = base::read_csv("h\na\"b\nok\n\"c\"d\nok2\n\xFE\n");
  REQUIRE(file.problems.size() == 3);
  CHECK(file.problems[0].line == 2);
  CHECK(file.problems[1].line == 4);
  CHECK(file.problems[2].line == 6);
  REQUIRE(file.records.size() == 3);
  CHECK(file.records[2].fields == Fields{"ok2"});
  CHECK(file.records[2].line == 5);
}

TEST_CASE("csv: arbitrary bytes never crash the reader", "[csv]") {
  // A cheap stand-in for the fuzz target: every short string over the interesting bytes.
  const std::string alphabet{',', '"', '\r', '\n', 'a', '\xC3', '\xA9', '\xFF'};
  std::string text;
  bool lines_sane = true;
  std::size_t count = 1;
  for (std::size_t length = 0; length <= 5; ++length, count *= alphabet.size()) {
    for (std::size_t n = 0; n < count; ++n) {
      text.clear();
      for (std::size_t i = 0, v = n; i < length; ++i, v /= alphabet.size()) {
        text += alphabet[v % alphabet.size()];
      }
      base::CsvFile file = base::read_csv(text);
      for (const auto& record : file.records) lines_sane = lines_sane && record.line >= 1;
    }
  }
  CHECK(lines_sane);
}

TEST_CASE("csv: a large file reads completely", "[csv]") {
  // How fast is for vigil-bench; here, that nothing is lost or merged at scale.
  std::string text = "ref,surname,forenames,date_of_birth,kind,area\n";
  for (int i = 0; i < 100000; ++i) {
    text += "N" + std::to_string(i) + ",Smith,\"John, Paul\",1980-01-02,rso,North East\r\n";
  }
  base::CsvFile file = base::read_csv(text);
  CHECK(file.problems.empty());
  REQUIRE(file.records.size() == 100001);
  CHECK(file.records.back().line == 100001);
  CHECK(file.records.back().fields ==
        Fields{"N99999", "Smith", "John, Paul", "1980-01-02", "rso", "North East"});
}

TEST_CASE("fields written to report CSVs are quoted and never read as formulas", "[csv]") {
  CHECK(vigil::base::csv_field("North 1") == "North 1");
  CHECK(vigil::base::csv_field("a,b") == "\"a,b\"");
  CHECK(vigil::base::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(vigil::base::csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(vigil::base::csv_field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(vigil::base::csv_field("@SUM(A1)") == "'@SUM(A1)");
  // What the reader reads back is what was meant, apart from the formula guard.
  auto file = vigil::base::read_csv(vigil::base::csv_field("x,\"y\"\nz") + "\n");
  REQUIRE(file.records.size() == 1);
  CHECK(file.records[0].fields[0] == "x,\"y\"\nz");
}
