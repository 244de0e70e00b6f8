// Hybrid logical clock (Kulkarni et al.): a stamp that follows wall time but never goes back and
// always moves past every stamp it has seen, so a change made after seeing another sorts after
// it even when the two devices' clocks disagree. Conflicts are settled by these stamps.
//
// Not thread-safe: one clock per device (or per server process, behind the engine's lock).
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::sync {

struct HlcStamp {
  std::int64_t wall_ms = 0;   // milliseconds since 1970, UTC
  std::uint32_t counter = 0;  // orders stamps within one millisecond
  auto operator<=>(const HlcStamp&) const = default;
};

// Fixed-width text ("0001763830000000.00000") so stamps compare as text the way they compare
// as numbers; that is how they are stored.
std::string format_stamp(HlcStamp stamp);
std::optional<HlcStamp> parse_stamp(std::string_view text);

class HybridClock {
 public:
  using WallClock = std::function<std::int64_t()>;  // milliseconds since 1970
  explicit HybridClock(WallClock wall);
  static std::int64_t system_wall_ms();

  // A stamp for a local event, later than every stamp issued or observed so far.
  HlcStamp now();
  // Takes in a stamp from elsewhere so the next local stamp sorts after it.
  void observe(HlcStamp remote);
  HlcStamp last() const { return last_; }
  void restore(HlcStamp last) { last_ = last; }  // from persisted state

 private:
  WallClock wall_;
  HlcStamp last_;
};

}  // namespace vigil::sync
