// A poor mobile signal between a tablet and the server, for `vigil-bench field --link slow`: a
// TCP relay on a loopback port that passes every byte on to the server's port, as a link of a
// given rate each way (shared by every connection through it, as one radio is) with a fixed
// delay each way. Bytes queue behind the link while it is busy, as they do in a modem's buffer;
// nothing is lost or reordered. A new connection's first bytes wait a round trip, as for TCP's
// handshake. The tablet is pointed at the relay's address instead of the
// server's.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace vigil::bench {

struct LinkShape {
  double bits_per_second = 1'000'000;    // each way
  std::chrono::milliseconds delay{150};  // each way, added to the time on the link
};

class SlowLink {
 public:
  // Listens on 127.0.0.1 (a port the system picks) and relays to 127.0.0.1:server_port.
  // Throws vigil::Error when it cannot listen.
  SlowLink(std::uint16_t server_port, LinkShape shape);
  ~SlowLink();  // closes every connection through it
  SlowLink(const SlowLink&) = delete;
  SlowLink& operator=(const SlowLink&) = delete;

  std::string url() const;  // http://127.0.0.1:PORT
  // Bytes that crossed the link so far: from the tablet to the server, and back.
  std::int64_t bytes_up() const;
  std::int64_t bytes_down() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::bench
