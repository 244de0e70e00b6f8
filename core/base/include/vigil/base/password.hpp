// Officers' passwords (and, in stores made before stores were sealed, the tablet's unlock
// verifier): Argon2id, encoded with its parameters and salt so they can change later. Thread-safe;
// throws vigil::Error only if the hashing library itself fails.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::base {

struct PasswordCost {
  unsigned time_cost = 3;           // passes
  unsigned memory_kib = 64 * 1024;  // 64 MiB
  unsigned parallelism = 1;
};

std::string hash_password(std::string_view password, PasswordCost cost = {});
bool verify_password(std::string_view encoded_hash, std::string_view password);

// One sentence saying why a new password is unacceptable; nothing when it is acceptable.
[[nodiscard]] std::optional<std::string> password_problem(std::string_view password);

}  // namespace vigil::base
