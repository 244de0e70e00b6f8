#include "slow_link.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "vigil/base/error.hpp"

namespace vigil::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One way of the link, shared by every connection through it: bytes take their turn on it.
struct Way {
  std::mutex mutex;
  Clock::time_point free_at{};
  std::atomic<std::int64_t> bytes{0};
};

// Bytes read at one end, written at the other once they have crossed the link. No bytes: the
// end they came from closed.
struct Burst {
  Clock::time_point arrives;
  std::string bytes;
};

// One connection's bytes one way: a reader puts what arrives on the link, a writer hands it on
// when it has crossed.
class Direction {
 public:
  // Nothing goes on the link before `opened`: a connection's first bytes wait for its handshake.
  Direction(int from, int to, Way& way, LinkShape shape, Clock::time_point opened)
      : from_(from), to_(to), way_(way), shape_(shape), opened_(opened) {
    reader_ = std::thread([this] { read(); });
    writer_ = std::thread([this] { write(); });
  }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    ready_.notify_all();
  }
  void join() {
    reader_.join();
    writer_.join();
  }

 private:
  void read() {
    // The link is free for other connections meanwhile.
    std::this_thread::sleep_until(opened_);
    std::string buffer(16384, '\0');
    Clock::time_point last{};
    for (;;) {
      const ssize_t n = ::recv(from_, buffer.data(), buffer.size(), 0);
      Burst burst;
      if (n > 0) {
        const auto on_link = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(static_cast<double>(n) * 8 / shape_.bits_per_second));
        std::lock_guard lock(way_.mutex);
        way_.free_at = std::max(Clock::now(), way_.free_at) + on_link;
        burst = {way_.free_at + shape_.delay, buffer.substr(0, static_cast<std::size_t>(n))};
        way_.bytes += n;
      } else {
        burst = {std::max(last, Clock::now() + shape_.delay), {}};
      }
      last = burst.arrives;
      const bool end = burst.bytes.empty();
      {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(burst));
      }
      ready_.notify_all();
      if (end) return;
    }
  }

  void write() {
    for (;;) {
      Burst burst;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stopped_ || !queue_.empty(); });
        if (stopped_) return;
        burst = std::move(queue_.front());
        queue_.pop_front();
        // Sleeps until the bytes have crossed, unless the relay is being closed.
        if (ready_.wait_until(lock, burst.arrives, [&] { return stopped_; })) return;
      }
      if (burst.bytes.empty()) {
        ::shutdown(to_, SHUT_WR);
        return;
      }
      std::size_t sent = 0;
      while (sent < burst.bytes.size()) {
        const ssize_t n =
            ::send(to_, burst.bytes.data() + sent, burst.bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
          // The other end has gone: what is still coming this way has nowhere to go.
          ::shutdown(from_, SHUT_RD);
          return;
        }
        sent += static_cast<std::size_t>(n);
      }
    }
  }

  int from_, to_;
  Way& way_;
  LinkShape shape_;
  Clock::time_point opened_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Burst> queue_;
  bool stopped_ = false;
  std::thread reader_, writer_;
};

struct Connection {
  int tablet, server;
  std::unique_ptr<Direction> up, down;
};

int loopback_socket() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(ErrorCode::io, "the slow link could not open a socket");
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

struct SlowLink::Impl {
  std::uint16_t server_port = 0;
  std::uint16_t port = 0;
  LinkShape shape;
  int listener = -1;
  Way up, down;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::vector<Connection> connections;
  std::thread acceptor;

  void accept_loop() {
    while (!stopping) {
      pollfd waiting{listener, POLLIN, 0};
      if (::poll(&waiting, 1, 100) <= 0) continue;
      const int tablet = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (tablet < 0) continue;
      int server = -1;
      try {
        server = loopback_socket();
      } catch (const Error&) {
        ::close(tablet);  // out of sockets: the tablet sees its connection closed
        continue;
      }
      const sockaddr_in to = loopback(server_port);
      if (::connect(server, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
        ::close(server);
        ::close(tablet);
        continue;  // the tablet sees its connection closed, as when the server is down
      }
      const int one = 1;
      ::setsockopt(tablet, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      // The tablet's system answered its connect at once; over the air, the handshake's round
      // trip (SYN out, SYN-ACK back) comes before its first bytes can leave.
      const auto now = Clock::now();
      std::lock_guard lock(mutex);
      connections.push_back(
          {tablet, server,
           std::make_unique<Direction>(tablet, server, up, shape, now + 2 * shape.delay),
           std::make_unique<Direction>(server, tablet, down, shape, now)});
    }
  }
};

SlowLink::SlowLink(std::uint16_t server_port, LinkShape shape) : impl_(std::make_unique<Impl>()) {
  impl_->server_port = server_port;
  impl_->shape = shape;
  impl_->listener = loopback_socket();
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  if (::bind(impl_->listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(impl_->listener, 16) != 0 ||
      ::getsockname(impl_->listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(impl_->listener);
    throw Error(ErrorCode::io, "the slow link could not listen on a loopback port");
  }
  impl_->port = ntohs(address.sin_port);
  impl_->acceptor = std::thread([impl = impl_.get()] { impl->accept_loop(); });
}

SlowLink::~SlowLink() {
  impl_->stopping = true;
  impl_->acceptor.join();
  ::close(impl_->listener);
  for (auto& c : impl_->connections) {
    // Wakes the readers (they see the end) and the writers (they are told to stop).
    ::shutdown(c.tablet, SHUT_RDWR);
    ::shutdown(c.server, SHUT_RDWR);
    c.up->stop();
    c.down->stop();
  }
  for (auto& c : impl_->connections) {
    c.up->join();
    c.down->join();
    ::close(c.tablet);
    ::close(c.server);
  }
}

std::string SlowLink::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::int64_t SlowLink::bytes_up() const {
  return impl_->up.bytes;
}

std::int64_t SlowLink::bytes_down() const {
  return impl_->down.bytes;
}

}  // namespace vigil::bench
