#include "vigil/base/password.hpp"

#include <argon2.h>

#include <array>
#include <vector>

#include "vigil/base/digest.hpp"
#include "vigil/base/error.hpp"

namespace vigil::base {

std::string hash_password(std::string_view password, PasswordCost cost) {
  std::array<std::uint8_t, 16> salt{};
  random_bytes(salt);
  constexpr std::size_t kHashLength = 32;
  std::size_t length = argon2_encodedlen(cost.time_cost, cost.memory_kib, cost.parallelism,
                                         salt.size(), kHashLength, Argon2_id);
  std::vector<char> encoded(length);
  int rc = argon2id_hash_encoded(cost.time_cost, cost.memory_kib, cost.parallelism, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashLength,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    throw Error(ErrorCode::internal,
                std::string("password hashing failed: ") + argon2_error_message(rc));
  }
  return std::string(encoded.data());
}

bool verify_password(std::string_view encoded_hash, std::string_view password) {
  std::string encoded(encoded_hash);
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::optional<std::string> password_problem(std::string_view password) {
  if (password.size() < 10) return "the password must be at least 10 characters long";
  if (password.size() > 1024) return "the password must be at most 1024 characters long";
  return std::nullopt;
}

}  // namespace vigil::base
