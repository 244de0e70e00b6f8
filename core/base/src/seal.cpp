#include "vigil/base/seal.hpp"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>

#include "vigil/base/error.hpp"

namespace vigil::base {
namespace {

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() {
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!context) throw Error(ErrorCode::internal, "OpenSSL could not make a cipher context");
  return context;
}

int length_of(std::size_t size) {
  return static_cast<int>(size);
}

}  // namespace

SecretKey::SecretKey(std::span<const std::uint8_t, kKeyBytes> bytes) {
  std::copy(bytes.begin(), bytes.end(), bytes_.begin());
}

SecretKey::~SecretKey() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

SecretKey SecretKey::random() {
  SecretKey key;
  random_bytes(key.bytes_);
  return key;
}

namespace {

// AES-256-GCM over `data` in place, `context` authenticated with it but not encrypted: every step
// but the last, which differs between sealing (take the tag) and opening (check it).
CipherContext gcm_over(const SecretKey& key, std::span<const std::uint8_t> nonce,
                       std::span<const std::uint8_t> context, std::span<std::uint8_t> data,
                       bool encrypt) {
  auto cipher = new_context();
  int written = 0;
  if (EVP_CipherInit_ex(cipher.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), nonce.data(),
                        encrypt ? 1 : 0) != 1 ||
      EVP_CipherUpdate(cipher.get(), nullptr, &written, context.data(),
                       length_of(context.size())) != 1 ||
      EVP_CipherUpdate(cipher.get(), data.data(), &written, data.data(), length_of(data.size())) !=
          1) {
    throw Error(ErrorCode::internal,
                encrypt ? "OpenSSL could not encrypt a page" : "OpenSSL could not decrypt a page");
  }
  return cipher;
}

}  // namespace

void seal_in_place(const SecretKey& key, std::span<std::uint8_t> data,
                   std::span<const std::uint8_t> context,
                   std::span<std::uint8_t, kSealBytes> seal) {
  const auto nonce = seal.first<kNonceBytes>();
  const auto tag = seal.last<kTagBytes>();
  random_bytes(nonce);
  auto cipher = gcm_over(key, nonce, context, data, true);
  int written = 0;  // GCM writes nothing more at the end
  if (EVP_CipherFinal_ex(cipher.get(), data.data() + data.size(), &written) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher.get(), EVP_CTRL_GCM_GET_TAG, length_of(tag.size()), tag.data()) !=
          1) {
    throw Error(ErrorCode::internal, "OpenSSL could not encrypt a page");
  }
}

bool open_in_place(const SecretKey& key, std::span<std::uint8_t> data,
                   std::span<const std::uint8_t> context,
                   std::span<const std::uint8_t, kSealBytes> seal) {
  std::array<std::uint8_t, kTagBytes> tag{};
  std::copy(seal.begin() + kNonceBytes, seal.end(), tag.begin());
  auto cipher = gcm_over(key, seal.first<kNonceBytes>(), context, data, false);
  if (EVP_CIPHER_CTX_ctrl(cipher.get(), EVP_CTRL_GCM_SET_TAG, length_of(tag.size()), tag.data()) !=
      1) {
    throw Error(ErrorCode::internal, "OpenSSL could not decrypt a page");
  }
  // The one step that fails when anything sealed was altered.
  int written = 0;
  return EVP_CipherFinal_ex(cipher.get(), data.data() + data.size(), &written) == 1;
}

SecretKey derive_key(std::string_view password, std::span<const std::uint8_t> salt,
                     const PasswordCost& cost) {
  std::array<std::uint8_t, kKeyBytes> raw{};
  const int rc =
      argon2id_hash_raw(cost.time_cost, cost.memory_kib, cost.parallelism, password.data(),
                        password.size(), salt.data(), salt.size(), raw.data(), raw.size());
  if (rc != ARGON2_OK) {
    throw Error(ErrorCode::internal, std::string("deriving a key from the password failed: ") +
                                         argon2_error_message(rc));
  }
  SecretKey key(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return key;
}

std::string hmac_sha256_hex(std::span<const std::uint8_t> key, std::string_view message) {
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), length_of(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
           &size) == nullptr) {
    throw Error(ErrorCode::internal, "OpenSSL could not compute an HMAC");
  }
  return to_hex(std::span<const std::uint8_t>(mac.data(), size));
}

}  // namespace vigil::base
