// The key file beside a sealed store (docs/tablet-at-rest.md): `<store>.key`, readable by its
// owner only. It holds the store's random key wrapped with AES-256-GCM by a key Argon2id derives
// from the officer's password, and what the tablet must know while it is locked: the server and
// officer it was enrolled for (authenticated with the wrapped key, so they cannot be swapped), the
// wrong passwords in a row so far and how many it takes to wipe. Never the token.
//
// A password change wraps the same key again: the store is not rewritten. Destroying the key
// file is what makes the store unreadable, so a wipe starts with it.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/base/password.hpp"
#include "vigil/base/seal.hpp"

namespace vigil::mobile {

class StoreKey {
 public:
  static std::filesystem::path path_for(const std::filesystem::path& store);
  // The key file of `store`; nothing when there is none. Throws TabletError naming the line when
  // it is damaged.
  static std::optional<StoreKey> read(const std::filesystem::path& store);

  // A key file for `key` wrapped by `password`, not yet written.
  StoreKey(const base::SecretKey& key, std::string_view password, std::string server,
           std::string username, int wipe_after, const base::PasswordCost& cost = {});

  // The store's key, or nothing when `password` is not the one it was wrapped by.
  [[nodiscard]] std::optional<base::SecretKey> unwrap(std::string_view password) const;
  // Wraps `key` by a new password (a fresh salt and nonce).
  void rewrap(const base::SecretKey& key, std::string_view password);

  // Written whole or not at all (a new file renamed over the old), mode 0600, to `path`
  // (path_for(store) unless another is named).
  void write(const std::filesystem::path& path) const;
  // Overwrites the key file with zeros, flushes it to the disk and deletes it.
  static void destroy(const std::filesystem::path& path);

  [[nodiscard]] const std::string& server() const { return server_; }
  [[nodiscard]] const std::string& username() const { return username_; }
  int wrong_passwords = 0;
  int wipe_after = 10;

 private:
  StoreKey() = default;
  [[nodiscard]] std::string context() const;

  std::string server_, username_;
  base::PasswordCost cost_;
  std::array<std::uint8_t, 16> salt_{};
  std::array<std::uint8_t, base::kKeyBytes> wrapped_{};
  std::array<std::uint8_t, base::kSealBytes> seal_{};
};

// Overwrites a file with zeros, flushes it to the disk, deletes it and flushes its folder. (On
// flash the zeros may land elsewhere than the old blocks: what is on it must be sealed regardless.)
void shred_file(const std::filesystem::path& path);
// Flushes the folder holding `file`, so a rename or a deletion in it survives a crash.
void sync_directory(const std::filesystem::path& file);

}  // namespace vigil::mobile
