// Authenticated encryption for what a tablet keeps at rest: AES-256-GCM from OpenSSL, keys
// derived from a password with Argon2id, and HMAC-SHA256. Nothing here is a cipher of our own;
// these are the few shapes the store and the read audit need from OpenSSL and libargon2.
//
// Thread-safe (no shared state); a SecretKey belongs to its owner. Throws vigil::Error (internal)
// only when OpenSSL or the random source itself fails; a failed authentication is a result, not
// an exception.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "vigil/base/digest.hpp"
#include "vigil/base/password.hpp"

namespace vigil::base {

inline constexpr std::size_t kKeyBytes = 32;    // AES-256
inline constexpr std::size_t kNonceBytes = 12;  // GCM's recommended nonce
inline constexpr std::size_t kTagBytes = 16;    // GCM's full tag
inline constexpr std::size_t kSealBytes = kNonceBytes + kTagBytes;

// 32 secret bytes, cleared from memory when they go.
class SecretKey {
 public:
  SecretKey() = default;
  explicit SecretKey(std::span<const std::uint8_t, kKeyBytes> bytes);
  ~SecretKey();
  SecretKey(const SecretKey& other) = default;
  SecretKey& operator=(const SecretKey& other) = default;

  static SecretKey random();
  [[nodiscard]] const std::array<std::uint8_t, kKeyBytes>& bytes() const { return bytes_; }

 private:
  std::array<std::uint8_t, kKeyBytes> bytes_{};
};

// Encrypts `data` in place with a fresh random nonce; `seal` receives the nonce then the tag.
// `context` is authenticated but not encrypted (where the bytes belong, so they cannot be moved).
void seal_in_place(const SecretKey& key, std::span<std::uint8_t> data,
                   std::span<const std::uint8_t> context, std::span<std::uint8_t, kSealBytes> seal);
// Decrypts what seal_in_place sealed; false, with `data` unspecified, when the bytes, the seal or
// the context are not what was sealed (altered, or another key's).
[[nodiscard]] bool open_in_place(const SecretKey& key, std::span<std::uint8_t> data,
                                 std::span<const std::uint8_t> context,
                                 std::span<const std::uint8_t, kSealBytes> seal);

// The key Argon2id derives from a password and a salt, at the given cost.
SecretKey derive_key(std::string_view password, std::span<const std::uint8_t> salt,
                     const PasswordCost& cost);

// HMAC-SHA256 of `message`, as 64 lowercase hex characters.
std::string hmac_sha256_hex(std::span<const std::uint8_t> key, std::string_view message);

}  // namespace vigil::base
