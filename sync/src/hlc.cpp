#include "vigil/sync/hlc.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace vigil::sync {
namespace {
constexpr std::uint32_t kMaxCounter = 99999;
// Stamps are sixteen digits of milliseconds: those read are kept below 10^15 (the year 33658), so
// no clock that has seen one can count past the width and sort below it as text.
constexpr std::int64_t kMaxWallMs = 999'999'999'999'999;
}  // namespace

std::string format_stamp(HlcStamp stamp) {
  char text[32];
  std::snprintf(text, sizeof text, "%016lld.%05u", static_cast<long long>(stamp.wall_ms),
                static_cast<unsigned>(stamp.counter));
  return text;
}

std::optional<HlcStamp> parse_stamp(std::string_view text) {
  if (text.size() != 22 || text[16] != '.') return std::nullopt;
  HlcStamp stamp;
  auto wall = std::from_chars(text.data(), text.data() + 16, stamp.wall_ms);
  auto counter = std::from_chars(text.data() + 17, text.data() + 22, stamp.counter);
  if (wall.ec != std::errc() || wall.ptr != text.data() + 16 || counter.ec != std::errc() ||
      counter.ptr != text.data() + 22 || stamp.wall_ms < 0 || stamp.wall_ms > kMaxWallMs ||
      stamp.counter > kMaxCounter) {
    return std::nullopt;
  }
  return stamp;
}

HybridClock::HybridClock(WallClock wall) : wall_(std::move(wall)) {}

std::int64_t HybridClock::system_wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

HlcStamp HybridClock::now() {
  const std::int64_t wall = wall_();
  if (wall > last_.wall_ms) {
    last_ = {wall, 0};
  } else if (last_.counter < kMaxCounter) {
    ++last_.counter;
  } else {
    // The counter has five digits in the stored form; borrowing a millisecond keeps the order.
    last_ = {last_.wall_ms + 1, 0};
  }
  return last_;
}

void HybridClock::observe(HlcStamp remote) {
  // Only the order matters here; the next now() moves past whichever is later.
  last_ = std::max(last_, remote);
}

}  // namespace vigil::sync
