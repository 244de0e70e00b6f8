#include "vigil/base/signature.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <functional>
#include <memory>
#include <vector>

#include "vigil/base/digest.hpp"
#include "vigil/base/error.hpp"

namespace vigil::base {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

constexpr std::size_t kSignatureBytes = 64;

Bio memory_of(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) throw Error(ErrorCode::internal, "OpenSSL could not read a key from memory");
  return bio;
}

std::string pem_of(const std::function<int(BIO*)>& write) {
  Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || write(bio.get()) != 1)
    throw Error(ErrorCode::internal, "OpenSSL could not write a key");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Key private_key(std::string_view pem) {
  Bio bio = memory_of(pem);
  // No passphrase is ever asked for: a key that needs one is refused, not prompted for on a
  // terminal a scheduled run does not have.
  const auto no_passphrase = [](char*, int, int, void*) { return 0; };
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr), &EVP_PKEY_free);
  if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) {
    ERR_clear_error();  // what OpenSSL queued about the text it could not read
    throw Error(ErrorCode::invalid_input, "the signing key is not an Ed25519 private key in PEM");
  }
  return key;
}

Key public_key(std::string_view pem) {
  Bio bio = memory_of(pem);
  Key key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) {
    ERR_clear_error();
    throw Error(ErrorCode::invalid_input, "the public key is not an Ed25519 public key in PEM");
  }
  return key;
}

DigestContext digest_context() {
  DigestContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!context) throw Error(ErrorCode::internal, "OpenSSL could not start a signature");
  return context;
}

}  // namespace

SigningKeyPair make_signing_key() {
  EVP_PKEY* made = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), &EVP_PKEY_CTX_free);
  if (!context || EVP_PKEY_keygen_init(context.get()) != 1 ||
      EVP_PKEY_keygen(context.get(), &made) != 1) {
    throw Error(ErrorCode::internal, "OpenSSL could not make an Ed25519 key");
  }
  const Key key(made, &EVP_PKEY_free);
  return {pem_of([&](BIO* bio) {
            return PEM_write_bio_PKCS8PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr,
                                                 nullptr);
          }),
          pem_of([&](BIO* bio) { return PEM_write_bio_PUBKEY(bio, key.get()); })};
}

std::string sign_message(std::string_view private_pem, std::string_view message) {
  const Key key = private_key(private_pem);
  const DigestContext context = digest_context();
  std::string signature(kSignatureBytes, '\0');
  std::size_t size = signature.size();
  // Ed25519 signs the message itself (no separate digest), in one call.
  if (EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      size != kSignatureBytes) {
    throw Error(ErrorCode::internal, "OpenSSL could not sign");
  }
  return signature;
}

bool signature_holds(std::string_view public_pem, std::string_view message,
                     std::string_view signature) {
  const Key key = public_key(public_pem);
  if (signature.size() != kSignatureBytes) return false;
  const DigestContext context = digest_context();
  return EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

std::string public_key_fingerprint(std::string_view public_pem) {
  const Key key = public_key(public_pem);
  std::vector<std::uint8_t> raw(32);
  std::size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), raw.data(), &size) != 1 || size != raw.size()) {
    throw Error(ErrorCode::internal, "OpenSSL could not read the public key's bytes");
  }
  return sha256_hex(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

}  // namespace vigil::base
