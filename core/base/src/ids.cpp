#include "vigil/base/ids.hpp"

#include <array>
#include <chrono>
#include <mutex>

namespace vigil::base {
namespace {

std::string format_uuid(std::uint64_t high, std::uint64_t low, std::uint64_t version = 4) {
  // RFC 4122 variant 1, the version in bits 12-15 of the third group.
  high = (high & 0xffffffffffff0fffULL) | (version << 12);
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](std::uint64_t value, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) out += kHex[(value >> (i * 4)) & 0xf];
  };
  put(high >> 32, 8);
  out += '-';
  put((high >> 16) & 0xffff, 4);
  out += '-';
  put(high & 0xffff, 4);
  out += '-';
  put(low >> 48, 4);
  out += '-';
  put(low & 0xffffffffffffULL, 12);
  return out;
}

}  // namespace

std::string make_uuid(std::mt19937_64& random) {
  std::uint64_t high = random();
  std::uint64_t low = random();
  return format_uuid(high, low);
}

std::string make_uuid() {
  static std::mutex mutex;
  static std::random_device device;
  std::lock_guard lock(mutex);
  auto word = [&] { return (std::uint64_t{device()} << 32) | std::uint64_t{device()}; };
  std::uint64_t high = word();
  std::uint64_t low = word();
  return format_uuid(high, low);
}

std::string make_time_ordered_uuid(std::int64_t unix_ms, std::mt19937_64& random) {
  const std::uint64_t high = (static_cast<std::uint64_t>(unix_ms) << 16) | (random() & 0xffff);
  return format_uuid(high, random(), 7);
}

std::string make_time_ordered_uuid() {
  static std::mutex mutex;
  static std::random_device device;
  static std::mt19937_64 random((std::uint64_t{device()} << 32) | std::uint64_t{device()});
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::lock_guard lock(mutex);
  return make_time_ordered_uuid(now, random);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace vigil::base
