#include "vigil/base/digest.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

#include "vigil/base/error.hpp"

namespace vigil::base {
namespace {
std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}
}  // namespace

struct Sha256::Impl {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(context); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  if (impl_->context == nullptr || EVP_DigestInit_ex(impl_->context, EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorCode::internal, "SHA-256 could not be started");
  }
}

Sha256::~Sha256() = default;

Sha256& Sha256::add(std::string_view bytes) {
  EVP_DigestUpdate(impl_->context, bytes.data(), bytes.size());
  return *this;
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(impl_->context, digest, &size);
  return to_hex(digest, size);
}

std::string sha256_hex(std::string_view bytes) {
  return Sha256().add(bytes).hex();
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    throw Error(ErrorCode::internal, "the operating system's random source failed");
  }
  return to_hex(buffer.data(), buffer.size());
}

}  // namespace vigil::base
