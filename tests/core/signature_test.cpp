// Ed25519 signatures: what signs verifies under its own public key only, a changed byte of the
// message or the signature fails, and a key that is not one is named as such.
#include <catch2/catch.hpp>

#include <string>

#include "vigil/base/error.hpp"
#include "vigil/base/signature.hpp"

using namespace vigil;

TEST_CASE("a signature holds for its message under its key, and for nothing else",
          "[base][signature]") {
  const auto key = base::make_signing_key();
  CHECK(key.private_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  CHECK(key.public_pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  const std::string manifest = R"({"files":[{"name":"overdue.csv","sha256":"ab"}]})";
  const std::string signature = base::sign_message(key.private_pem, manifest);
  CHECK(signature.size() == 64);
  CHECK(base::signature_holds(key.public_pem, manifest, signature));
  // Ed25519 is deterministic: the same message, the same signature.
  CHECK(base::sign_message(key.private_pem, manifest) == signature);

  std::string changed = manifest;
  changed[10] ^= 1;
  CHECK_FALSE(base::signature_holds(key.public_pem, changed, signature));
  std::string forged = signature;
  forged[0] ^= 1;
  CHECK_FALSE(base::signature_holds(key.public_pem, manifest, forged));
  CHECK_FALSE(base::signature_holds(key.public_pem, manifest, signature.substr(1)));
  const auto other = base::make_signing_key();
  CHECK_FALSE(base::signature_holds(other.public_pem, manifest, signature));
  CHECK(base::public_key_fingerprint(key.public_pem).size() == 64);
  CHECK(base::public_key_fingerprint(key.public_pem) !=
        base::public_key_fingerprint(other.public_pem));
}

TEST_CASE("a key that is not an Ed25519 key of the right kind is refused in one sentence",
          "[base][signature]") {
  const auto key = base::make_signing_key();
  CHECK_THROWS_WITH(base::sign_message(key.public_pem, "x"),
                    "the signing key is not an Ed25519 private key in PEM");
  CHECK_THROWS_WITH(base::sign_message("not a key", "x"),
                    "the signing key is not an Ed25519 private key in PEM");
  CHECK_THROWS_WITH(base::signature_holds(key.private_pem, "x", std::string(64, '\0')),
                    "the public key is not an Ed25519 public key in PEM");
  CHECK_THROWS_AS(base::public_key_fingerprint(""), Error);
}
