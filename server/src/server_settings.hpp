// vigil-server's settings: its configuration file (/etc/vigil/vigil-server.conf when it exists,
// or --config FILE), with the command line over it. The file holds the flags' own names, one to
// a line (`threads = 4`, `no-report-cache = yes`), '#' comments and blank lines; a name the
// server does not know, a line that is not `name = value` or a name given twice is refused with
// the file and line, as any bad value is with where it came from. Private to server/.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "vigil/base/cli.hpp"

namespace vigil::server {

inline constexpr const char* kDefaultConfig = "/etc/vigil/vigil-server.conf";

class ServerSettings {
 public:
  // `options` are the command line's; --config names the file (which must exist), and without it
  // kDefaultConfig is read when it exists. Throws base::UsageError naming the file and line.
  ServerSettings(std::span<const std::string> words, std::span<const base::Option> options);

  const base::Args& args() const { return args_; }
  // The flag's value, from the command line or else the file.
  std::optional<std::string> value(std::string_view name) const;
  // Whether a yes/no setting is on: a flag given, or `name = yes` in the file.
  bool on(std::string_view name) const;
  // Where a value came from, for a sentence about it: "--threads" or "FILE line 4 (threads)".
  std::string where(std::string_view name) const;
  // The file read, if any.
  const std::optional<std::filesystem::path>& file() const { return file_; }

 private:
  struct FromFile {
    std::string value;
    int line;
  };
  // One line of the file, numbered from 1.
  void take_line(std::string_view text, int number, std::span<const base::Option> options);

  base::Args args_;
  std::optional<std::filesystem::path> file_;
  std::map<std::string, FromFile, std::less<>> from_file_;
};

}  // namespace vigil::server
