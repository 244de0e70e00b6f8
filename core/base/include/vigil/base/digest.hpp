// SHA-256, random bytes and hex, for the sync scope digest, read-audit hash chains, bearer tokens
// at rest and the nightly run's manifest. One implementation (OpenSSL's) for the whole product.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace vigil::base {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256& add(std::string_view bytes);
  std::string hex();  // finishes the digest: 64 lowercase hex characters

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view bytes);
// n bytes from the operating system's random source, as 2n hex characters (tokens).
std::string random_hex(std::size_t bytes);
// Fills `out` from the operating system's random source.
void random_bytes(std::span<std::uint8_t> out);

// Hex text and back; from_hex is false unless `hex` is exactly 2 * out.size() hex digits.
std::string to_hex(std::span<const std::uint8_t> bytes);
[[nodiscard]] bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace vigil::base
