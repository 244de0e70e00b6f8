// Starts a program as a process of its own, for a test that must wait for it or kill it outright.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

extern char** environ;

// Where one of the process's output streams goes: `fd` (1 or 2) written to `file`, truncated.
struct OutputTo {
  int fd;
  std::filesystem::path file;
};

// Starts `words[0]` with the rest of `words` as its arguments and the test's environment; fails
// the test when it cannot be started. The caller waits for it (waitpid).
inline pid_t spawn_program(std::vector<std::string> words,
                           const std::optional<OutputTo>& output = std::nullopt) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (output) {
    posix_spawn_file_actions_addopen(&actions, output->fd, output->file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, words.front().c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(spawned == 0);
  return pid;
}
