#include "vigil/base/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace vigil::base {

Progress::Progress(bool enabled) : enabled_(enabled) {}

Progress Progress::on_terminal() {
  return Progress(isatty(STDERR_FILENO) == 1);
}

Progress::~Progress() {
  finish();
}

void Progress::stage(std::string_view name, std::int64_t total) {
  stage_ = name;
  total_ = total;
  done_ = 0;
  draw(true);
}

void Progress::update(std::int64_t done) {
  done_ = done;
  draw(false);
}

void Progress::draw(bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  if (total_ > 0) {
    std::fprintf(stderr, "\r\033[K%s: %lld of %lld (%d%%)", stage_.c_str(),
                 static_cast<long long>(done_), static_cast<long long>(total_),
                 static_cast<int>(done_ * 100 / total_));
  } else {
    std::fprintf(stderr, "\r\033[K%s: %lld", stage_.c_str(), static_cast<long long>(done_));
  }
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace vigil::base
