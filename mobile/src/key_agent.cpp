#include "key_agent.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "store_key.hpp"
#include "vigil/base/digest.hpp"
#include "vigil/base/error.hpp"

namespace vigil::mobile::key_agent {
namespace {

constexpr char kGiveKey = 'K';
constexpr char kEnd = 'E';

// The socket's abstract name: the store's full path, hashed (abstract names have no permissions,
// hence the check of the peer's user on both sides).
sockaddr_un address_of(const std::filesystem::path& store, socklen_t& length) {
  std::error_code unknown;
  auto full = std::filesystem::weakly_canonical(std::filesystem::absolute(store), unknown);
  if (unknown) full = std::filesystem::absolute(store);
  const std::string name = "vigil-field/" + base::sha256_hex(full.string());
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  address.sun_path[0] = '\0';
  std::memcpy(address.sun_path + 1, name.data(), name.size());
  length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  return address;
}

bool same_user(int fd) {
  ucred peer{};
  socklen_t size = sizeof(peer);
  return ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0 && peer.uid == ::getuid();
}

// A connection to the store's agent, or -1 when none answers.
int connect_to(const std::filesystem::path& store) {
  socklen_t length = 0;
  const sockaddr_un address = address_of(store, length);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 || !same_user(fd)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_byte(int fd, char byte) {
  return ::send(fd, &byte, 1, MSG_NOSIGNAL) == 1;
}

bool receive_all(int fd, std::uint8_t* out, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(fd, out, size);  // a socket or a pipe
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    out += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// The identity of the store's key file, so the agent notices it deleted or replaced.
std::optional<std::pair<dev_t, ino_t>> key_file_identity(const std::filesystem::path& store) {
  struct stat info {};
  if (::stat(StoreKey::path_for(store).c_str(), &info) != 0) return std::nullopt;
  return std::pair{info.st_dev, info.st_ino};
}

constexpr int kListenerFd = 3;  // the agent's socket, bound by the command that starts it
constexpr int kKeyFd = 4;       // where that command writes the key, once

}  // namespace

void serve(const std::filesystem::path& store, std::chrono::seconds idle_limit) {
  // A new program (the command that started it exec'd it), so nothing of that command's memory;
  // none of its files open but the socket and the key's pipe; not held by the terminal or a
  // caller's pipes; nothing swapped to disk, and the process neither dumped nor traced.
  ::prctl(PR_SET_DUMPABLE, 0);
  ::mlockall(MCL_CURRENT | MCL_FUTURE);
  ::setsid();
  const int null = ::open("/dev/null", O_RDWR);
  for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
  if (null > 2) ::close(null);
  std::array<std::uint8_t, base::kKeyBytes> bytes{};
  const bool received = receive_all(kKeyFd, bytes.data(), bytes.size());
  ::close(kKeyFd);
  if (!received) ::_exit(1);
  base::SecretKey key(bytes);
  std::fill(bytes.begin(), bytes.end(), 0);
  const int listener = kListenerFd;
  const auto identity = key_file_identity(store);
  auto deadline = std::chrono::steady_clock::now() + idle_limit;
  for (;;) {
    if (std::chrono::steady_clock::now() >= deadline || !identity ||
        key_file_identity(store) != identity) {
      break;
    }
    pollfd waiting{listener, POLLIN, 0};
    if (::poll(&waiting, 1, 1000) <= 0) continue;
    const int peer = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (peer < 0) continue;
    char request = 0;
    timeval patience{1, 0};
    ::setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof(patience));
    const bool asked = same_user(peer) && ::recv(peer, &request, 1, 0) == 1;
    if (asked && request == kGiveKey) {
      ::send(peer, key.bytes().data(), key.bytes().size(), MSG_NOSIGNAL);
      deadline = std::chrono::steady_clock::now() + idle_limit;
    }
    if (asked && request == kEnd) {
      ::close(listener);  // the name is free before `stop` hears the agent has gone
      ::close(peer);
      break;
    }
    ::close(peer);
  }
  key = base::SecretKey();  // cleared before the process ends
  ::_exit(0);
}

void start(const std::filesystem::path& store, const base::SecretKey& key,
           std::chrono::seconds idle_limit) {
  stop(store);
  socklen_t length = 0;
  const sockaddr_un address = address_of(store, length);
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0 || ::bind(listener, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      ::listen(listener, 8) != 0) {
    if (listener >= 0) ::close(listener);
    throw Error(ErrorCode::io,
                std::string("cannot start the tablet's key agent: ") + std::strerror(errno));
  }
  int key_pipe[2];
  if (::pipe2(key_pipe, O_CLOEXEC) != 0) {
    ::close(listener);
    throw Error(ErrorCode::io,
                std::string("cannot start the tablet's key agent: ") + std::strerror(errno));
  }
  const std::string store_text = std::filesystem::absolute(store).string();
  const std::string idle_text = std::to_string(idle_limit.count());
  const pid_t child = ::fork();
  if (child == 0) {
    // vigil-field again, as the agent: a fresh program, given the socket and the key's pipe as
    // descriptors 3 and 4 (through copies above both, so neither is overwritten on the way, and
    // each lands without close-on-exec).
    const int socket_copy = ::fcntl(listener, F_DUPFD, 10);
    const int pipe_copy = ::fcntl(key_pipe[0], F_DUPFD, 10);
    if (socket_copy < 0 || pipe_copy < 0 || ::dup2(socket_copy, kListenerFd) < 0 ||
        ::dup2(pipe_copy, kKeyFd) < 0) {
      ::_exit(127);
    }
    ::close_range(kKeyFd + 1, ~0U, 0);
    const char* argv[] = {"vigil-field", kAgentCommand, store_text.c_str(), idle_text.c_str(),
                          nullptr};
    ::execv("/proc/self/exe", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  // Listening before the agent starts: the next command finds it at once.
  ::close(listener);
  ::close(key_pipe[0]);
  bool handed = child > 0;
  std::string_view bytes(reinterpret_cast<const char*>(key.bytes().data()), key.bytes().size());
  while (handed && !bytes.empty()) {
    const ssize_t n = ::write(key_pipe[1], bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    handed = n > 0;
    if (handed) bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  ::close(key_pipe[1]);
  if (!handed) {
    throw Error(ErrorCode::io,
                std::string("cannot start the tablet's key agent: ") + std::strerror(errno));
  }
}

std::optional<base::SecretKey> fetch(const std::filesystem::path& store) {
  const int fd = connect_to(store);
  if (fd < 0) return std::nullopt;
  std::array<std::uint8_t, base::kKeyBytes> bytes{};
  std::optional<base::SecretKey> key;
  if (send_byte(fd, kGiveKey) && receive_all(fd, bytes.data(), bytes.size())) key.emplace(bytes);
  ::close(fd);
  std::fill(bytes.begin(), bytes.end(), 0);
  return key;
}

void stop(const std::filesystem::path& store) {
  const int fd = connect_to(store);
  if (fd < 0) return;
  send_byte(fd, kEnd);
  // The agent closes its end as it goes; waiting for that means a new one can take the name.
  char ignored = 0;
  timeval patience{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof(patience));
  ::recv(fd, &ignored, 1, 0);
  ::close(fd);
}

}  // namespace vigil::mobile::key_agent
