// Runs one of Vigil's programs as a user would, capturing exit status, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

// `command` is a shell command line; `input` is written to its standard input.
inline CommandResult run_command(const std::string& command, const std::string& input,
                                 const std::filesystem::path& scratch) {
  const auto in = scratch / "stdin.txt";
  const auto out = scratch / "stdout.txt";
  const auto err = scratch / "stderr.txt";
  std::ofstream(in) << input;
  const std::string line =
      command + " <'" + in.string() + "' >'" + out.string() + "' 2>'" + err.string() + "'";
  const int raw = std::system(line.c_str());
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream file(p);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  };
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}
