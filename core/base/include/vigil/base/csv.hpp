// RFC 4180 CSV read from text already in memory (the importer's files, the CSV fuzz target).
//
// Comma separated; double-quoted fields may hold commas, line breaks and doubled quotes ("");
// lines end in LF, CRLF or a lone CR; a UTF-8 byte-order mark at the start is ignored; the last
// line may lack its line break; blank lines are skipped. Every record knows the line it starts on,
// so a person can be pointed at it even when quoted line breaks make it span several lines.
//
// Malformed input is an expected outcome, never an exception: a record with a stray quote, text
// after a closing quote, an unterminated quote or invalid UTF-8 is reported as a CsvProblem with
// its line and left out of the records, and reading carries on with the next record.
// read_csv is a pure function, safe from any thread; it throws nothing but std::bad_alloc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::base {

struct CsvRecord {
  int line = 0;                     // 1-based line on which the record starts
  std::vector<std::string> fields;  // unquoted and unescaped, exactly as written otherwise
};

struct CsvProblem {
  int line = 0;        // 1-based line where the problem is
  std::string reason;  // one sentence a person can act on
};

struct CsvFile {
  std::vector<CsvRecord> records;    // in file order, the header (if any) first
  std::vector<CsvProblem> problems;  // in file order; at most one per malformed record
  bool ok() const { return problems.empty(); }
};

CsvFile read_csv(std::string_view text);

// One text field for a CSV file Vigil writes (reports): quoted when it holds a comma, quote or
// line break, and prefixed with ' when it starts like a spreadsheet formula (= + - @ tab CR), so
// text an officer typed is never run as a formula when a supervisor opens the file.
std::string csv_field(std::string_view text);

}  // namespace vigil::base
