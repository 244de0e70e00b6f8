// A TCP relay between a tablet and a real server on 127.0.0.1, which can hold back the server's
// answers to pushes (the push reaches the server and is applied, but its answer never reaches the
// tablet, as when a tablet dies or loses its signal between the two) and can cut the line after
// a number of pulls (as when the signal goes in the middle of a first sync). Plain POSIX sockets,
// one thread per direction of each connection; for tests only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

class HoldingProxy {
 public:
  explicit HoldingProxy(unsigned short server_port) : server_port_(server_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 16) != 0) {
      throw std::runtime_error("the proxy cannot listen");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~HoldingProxy() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    std::lock_guard lock(mutex_);
    for (auto& c : connections_) {
      ::shutdown(c->client, SHUT_RDWR);
      ::shutdown(c->server, SHUT_RDWR);
    }
    for (auto& c : connections_) {
      c->up.join();
      c->down.join();
      ::close(c->client);
      ::close(c->server);
    }
  }

  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // While holding, the server's answers to pushes are read and thrown away.
  void hold_push_answers(bool hold) { holding_ = hold; }
  // Lets `pulls` more pull requests through, then cuts every connection that sends another;
  // a negative number lets them all through.
  void allow_pulls(int pulls) { pulls_allowed_ = pulls; }
  // The same for asks of the conflicts list.
  void allow_conflict_lists(int lists) { lists_allowed_ = lists; }
  // Waits (up to 20 s) until an answer to a push has been held back; false if none came.
  bool wait_for_held_answer() {
    std::unique_lock lock(mutex_);
    return held_.wait_for(lock, std::chrono::seconds(20), [this] { return answers_held_ > 0; });
  }

 private:
  struct Connection {
    int client = -1, server = -1;
    std::atomic<bool> carries_push{false};
    std::thread up, down;
  };

  void accept_loop() {
    for (;;) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      if (stopping_) {
        ::close(client);
        return;
      }
      const int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(server_port_);
      if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(client);
        ::close(server);
        continue;
      }
      auto c = std::make_unique<Connection>();
      c->client = client;
      c->server = server;
      Connection* raw = c.get();
      raw->up = std::thread([this, raw] { relay(raw, true); });
      raw->down = std::thread([this, raw] { relay(raw, false); });
      std::lock_guard lock(mutex_);
      connections_.push_back(std::move(c));
    }
  }

  // Whether bytes that carry `request` are to be cut off, counting those let through.
  static bool cut(std::string_view bytes, std::string_view request, std::atomic<int>& allowed) {
    if (bytes.find(request) == std::string_view::npos) return false;
    if (allowed == 0) return true;
    if (allowed > 0) --allowed;
    return false;
  }

  void relay(Connection* c, bool up) {
    const int from = up ? c->client : c->server;
    const int to = up ? c->server : c->client;
    char buffer[65536];
    for (;;) {
      const auto got = ::read(from, buffer, sizeof buffer);
      if (got <= 0) break;
      const std::string_view bytes(buffer, static_cast<std::size_t>(got));
      if (up && bytes.find("POST /api/v1/sync/push") != std::string_view::npos) {
        c->carries_push = true;
      }
      if (up && (cut(bytes, "GET /api/v1/sync/pull", pulls_allowed_) ||
                 cut(bytes, "GET /api/v1/conflicts", lists_allowed_))) {
        ::shutdown(c->client, SHUT_RDWR);
        ::shutdown(c->server, SHUT_RDWR);
        break;
      }
      if (!up && c->carries_push && holding_) {
        std::lock_guard lock(mutex_);
        ++answers_held_;
        held_.notify_all();
        continue;
      }
      if (::write(to, buffer, static_cast<std::size_t>(got)) != got) break;
    }
    ::shutdown(to, SHUT_WR);
  }

  unsigned short server_port_;
  unsigned short port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> holding_{false};
  std::atomic<int> pulls_allowed_{-1};
  std::atomic<int> lists_allowed_{-1};
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable held_;
  int answers_held_ = 0;
  std::list<std::unique_ptr<Connection>> connections_;
};
