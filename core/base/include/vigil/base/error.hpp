// The one exception Vigil throws for broken infrastructure (docs/house-style.md, "Errors").
// Expected outcomes (validation failures, rejected changes) are values, never exceptions.
#pragma once

#include <stdexcept>
#include <string>

namespace vigil {

enum class ErrorCode {
  database,       // SQLite refused: the context holds the SQL and SQLite's code
  constraint,     // SQLite refused a row that breaks a rule of the schema (unique, foreign key,
                  // check): the input was wrong, not the database
  migration,      // the schema cannot be brought to this build's version
  io,             // a file or stream could not be read or written
  invalid_input,  // input that should have been validated earlier reached a layer that cannot use
                  // it
  not_found,      // a record a caller named does not exist
  internal,       // a broken invariant of Vigil itself
};

const char* to_string(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::string context = {});

  ErrorCode code() const noexcept { return code_; }
  // Where it happened: for the database, the SQL text and SQLite's extended result code.
  const std::string& context() const noexcept { return context_; }

 private:
  ErrorCode code_;
  std::string context_;
};

}  // namespace vigil
