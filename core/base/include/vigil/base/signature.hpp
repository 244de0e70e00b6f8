// Ed25519 signatures (OpenSSL), for the nightly run's manifest: whoever holds the public key can
// tell the run's files from files changed afterwards. Keys are PEM, the private key PKCS #8 and
// the public key SubjectPublicKeyInfo, so `openssl pkeyutl -verify -rawin` checks a signature too.
#pragma once

#include <string>
#include <string_view>

namespace vigil::base {

struct SigningKeyPair {
  std::string private_pem;  // keep secret: signs
  std::string public_pem;   // give to whoever checks
};

// A new key pair from the operating system's random source.
SigningKeyPair make_signing_key();

// The 64-byte signature of `message`. Throws Error (invalid_input) naming what is wrong when
// `private_pem` is not an Ed25519 private key.
std::string sign_message(std::string_view private_pem, std::string_view message);

// Whether `signature` is the signature of `message` under the key. Throws Error (invalid_input)
// when `public_pem` is not an Ed25519 public key; a wrong signature is false, never an error.
bool signature_holds(std::string_view public_pem, std::string_view message,
                     std::string_view signature);

// The key's SHA-256 fingerprint over its raw 32 bytes, as hex: what a person compares.
std::string public_key_fingerprint(std::string_view public_pem);

}  // namespace vigil::base
