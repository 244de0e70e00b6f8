// Command-line parsing shared by vigil, vigil-server, vigil-field and vigil-bench, so every
// command treats options the same way: `--name VALUE` or `--name=VALUE`, flags without values,
// positionals anywhere, and one clear sentence (exit status 2) for bad usage.
#pragma once

#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/error.hpp"

namespace vigil::base {

// Bad usage: the message is one sentence; the program prints it and exits with status 2.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& sentence) : Error(ErrorCode::invalid_input, sentence) {}
};

struct Option {
  std::string_view name;    // without the leading dashes
  bool takes_value = true;  // false: a flag
  bool repeatable = false;  // --attendee a --attendee b
};

class Args {
 public:
  // Throws UsageError for an unknown option, a missing value or a repeated single option.
  Args(std::span<const std::string> words, std::span<const Option> options);

  bool flag(std::string_view name) const;
  std::optional<std::string> value(std::string_view name) const;
  // The value, or UsageError "missing --name".
  std::string required(std::string_view name) const;
  std::vector<std::string> values(std::string_view name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  bool help() const { return help_; }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positionals_;
  bool help_ = false;
};

// Exit statuses every command keeps (docs/commands.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// How the mains of vigil, vigil-field and vigil-server run their body (vigil-bench names the
// benchmark in its messages and keeps its own): what the body returns is the exit status; an
// exception is printed as "PROGRAM: SENTENCE" on stderr and becomes exit status 2 for a UsageError
// (with `usage_hint`, when given, on the line after) and status_of(error) for any other (1 unless
// status_of is given).
int run_program(std::string_view program, const std::function<int()>& body,
                std::string_view usage_hint = {},
                const std::function<int(const std::exception&)>& status_of = {});

// True when the stream is a terminal (progress is shown only there).
bool is_terminal(int fd);

// Reads one line (a password) from stdin without echo when stdin is a terminal.
std::string read_secret(std::string_view prompt);

}  // namespace vigil::base
