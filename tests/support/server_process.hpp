// vigil-server as a process of its own, started as an operator would start it, so a test can
// read its log, kill it outright or send it a signal.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "spawn.hpp"

class ServerProcess {
 public:
  // Serves `db` on an ephemeral loopback port, with `more` arguments, its standard error (the
  // log) written to `log`; returns once the server has said where it listens.
  ServerProcess(const std::filesystem::path& db, const std::filesystem::path& log,
                std::vector<std::string> more = {})
      : log_(log) {
    std::vector<std::string> words{std::string(VIGIL_BIN_DIR) + "/vigil-server", "--db",
                                   db.string(), "--listen", "127.0.0.1:0"};
    words.insert(words.end(), more.begin(), more.end());
    pid_ = spawn_program(words, OutputTo{2, log});
    // The server names its port in its start line once it listens.
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      const auto text = this->log();
      const auto at = text.find("http://127.0.0.1:");
      if (at != std::string::npos)
        port_ = static_cast<unsigned short>(std::stoi(text.substr(at + 17)));
    }
    INFO(this->log());
    REQUIRE(port_ != 0);
  }
  ~ServerProcess() { kill(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Ends it at once (SIGKILL), as a power cut would.
  void kill() { end(SIGKILL); }
  // Asks it to stop (SIGTERM), as systemd does, and waits.
  void stop() { end(SIGTERM); }
  pid_t pid() const { return pid_; }
  unsigned short port() const { return port_; }
  std::string log() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  void end(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::filesystem::path log_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};
