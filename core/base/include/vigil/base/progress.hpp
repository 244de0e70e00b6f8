// Progress for long work (import, seed, batch): a line on stderr redrawn in place, shown only when
// stderr is a terminal so logs and pipes stay clean. One Progress per job, on one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::base {

class Progress {
 public:
  explicit Progress(bool enabled);
  // Forces the choice (tests, --no-progress); by default enabled only on a terminal.
  static Progress on_terminal();
  ~Progress();

  // Starts a named stage of `total` steps (0: unknown).
  void stage(std::string_view name, std::int64_t total = 0);
  // Reports that `done` steps of the current stage are complete; redraws at most 10 times a second.
  void update(std::int64_t done);
  // Ends the line.
  void finish();

 private:
  void draw(bool force);
  bool enabled_;
  std::string stage_;
  std::int64_t total_ = 0;
  std::int64_t done_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace vigil::base
