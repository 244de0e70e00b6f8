// A self-signed certificate for localhost, made with openssl for one test: the TLS tests serve
// HTTPS with it, and a tablet that trusts it (and only then) verifies the server.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "run_command.hpp"
#include "temp_dir.hpp"

struct Certificate {
  TempDir dir;
  std::string certificate = (dir.path() / "cert.pem").string();
  std::string key = (dir.path() / "key.pem").string();
  Certificate() {
    const auto result = run_command(
        "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext "
        "subjectAltName=DNS:localhost -days 1 -keyout '" +
            key + "' -out '" + certificate + "'",
        "", dir.path());
    INFO(result.err);
    REQUIRE(result.status == 0);
  }
};
