#include "store_key.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "vigil/base/digest.hpp"
#include "vigil/base/error.hpp"
#include "vigil/mobile/tablet.hpp"

namespace vigil::mobile {
namespace {

constexpr std::string_view kHeading = "vigil store key 1";

Error io_failure(const std::filesystem::path& path, const std::string& what) {
  return Error(ErrorCode::io,
               "cannot " + what + " the key file " + path.string() + ": " + std::strerror(errno));
}

// Writes all of `text` to `fd`, then (unless told not to) flushes it to the disk.
bool write_all(int fd, std::string_view text, bool flush = true) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return !flush || ::fsync(fd) == 0;
}

}  // namespace

void sync_directory(const std::filesystem::path& file) {
  const auto directory =
      file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::filesystem::path StoreKey::path_for(const std::filesystem::path& store) {
  return store.string() + ".key";
}

StoreKey::StoreKey(const base::SecretKey& key, std::string_view password, std::string server,
                   std::string username, int wipe_after_wrong, const base::PasswordCost& cost)
    : wipe_after(wipe_after_wrong),
      server_(std::move(server)),
      username_(std::move(username)),
      cost_(cost) {
  rewrap(key, password);
}

std::string StoreKey::context() const {
  return std::string(kHeading) + "\n" + server_ + "\n" + username_;
}

void StoreKey::rewrap(const base::SecretKey& key, std::string_view password) {
  base::random_bytes(salt_);
  const base::SecretKey wrapping = base::derive_key(password, salt_, cost_);
  wrapped_ = key.bytes();
  const std::string aad = context();
  base::seal_in_place(wrapping, wrapped_,
                      {reinterpret_cast<const std::uint8_t*>(aad.data()), aad.size()}, seal_);
}

std::optional<base::SecretKey> StoreKey::unwrap(std::string_view password) const {
  const base::SecretKey wrapping = base::derive_key(password, salt_, cost_);
  auto bytes = wrapped_;
  const std::string aad = context();
  const bool opened = base::open_in_place(
      wrapping, bytes, {reinterpret_cast<const std::uint8_t*>(aad.data()), aad.size()}, seal_);
  std::optional<base::SecretKey> key;
  if (opened) key.emplace(bytes);
  std::fill(bytes.begin(), bytes.end(), 0);
  return key;
}

std::optional<StoreKey> StoreKey::read(const std::filesystem::path& store) {
  const auto path = path_for(store);
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path)) return std::nullopt;
    throw io_failure(path, "read");
  }
  StoreKey key;
  std::string line;
  int number = 0;
  auto damaged = [&](const std::string& why) {
    return TabletError(Problem::bad_input, "The key file " + path.string() +
                                               " is damaged at line " + std::to_string(number) +
                                               ": " + why +
                                               "; the store cannot be unlocked without it.");
  };
  std::vector<bool> seen(7, false);
  while (std::getline(in, line)) {
    ++number;
    if (number == 1) {
      if (line != kHeading) throw damaged("it is not a Vigil store key");
      continue;
    }
    const auto space = line.find(' ');
    const std::string name = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    auto whole = [&](int& out) {
      try {
        std::size_t used = 0;
        out = std::stoi(value, &used);
        if (used != value.size() || out < 0) throw damaged(name + " is not a whole number");
      } catch (const std::logic_error&) {
        throw damaged(name + " is not a whole number");
      }
    };
    if (name == "server") {
      key.server_ = value, seen[0] = true;
    } else if (name == "username") {
      key.username_ = value, seen[1] = true;
    } else if (name == "argon2id") {
      std::istringstream costs(value);
      if (!(costs >> key.cost_.time_cost >> key.cost_.memory_kib >> key.cost_.parallelism)) {
        throw damaged("the Argon2id cost is not three whole numbers");
      }
      seen[2] = true;
    } else if (name == "salt") {
      if (!base::from_hex(value, key.salt_)) throw damaged("the salt is not 32 hex digits");
      seen[3] = true;
    } else if (name == "key") {
      std::array<std::uint8_t, base::kKeyBytes + base::kSealBytes> both{};
      if (!base::from_hex(value, both)) throw damaged("the wrapped key is not 120 hex digits");
      std::copy_n(both.begin(), base::kKeyBytes, key.wrapped_.begin());
      std::copy_n(both.begin() + base::kKeyBytes, base::kSealBytes, key.seal_.begin());
      seen[4] = true;
    } else if (name == "wrong_passwords") {
      whole(key.wrong_passwords), seen[5] = true;
    } else if (name == "wipe_after") {
      whole(key.wipe_after), seen[6] = true;
    } else {
      throw damaged("'" + name + "' is not a line of a store key");
    }
  }
  if (number == 0) throw damaged("it is empty");
  if (std::find(seen.begin(), seen.end(), false) != seen.end()) {
    throw damaged("it ends before every line of a store key");
  }
  return key;
}

void StoreKey::write(const std::filesystem::path& path) const {
  std::array<std::uint8_t, base::kKeyBytes + base::kSealBytes> both{};
  std::copy(wrapped_.begin(), wrapped_.end(), both.begin());
  std::copy(seal_.begin(), seal_.end(), both.begin() + base::kKeyBytes);
  std::ostringstream text;
  text << kHeading << "\nserver " << server_ << "\nusername " << username_ << "\nargon2id "
       << cost_.time_cost << ' ' << cost_.memory_kib << ' ' << cost_.parallelism << "\nsalt "
       << base::to_hex(salt_) << "\nkey " << base::to_hex(both) << "\nwrong_passwords "
       << wrong_passwords << "\nwipe_after " << wipe_after << '\n';
  // A name of its own: a key file cut off half-written is never taken for anything.
  const std::filesystem::path fresh = path.string() + ".writing";
  ::unlink(fresh.c_str());
  const int fd = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw io_failure(fresh, "create");
  const bool written = write_all(fd, text.str());
  ::close(fd);
  if (!written) throw io_failure(fresh, "write");
  if (::rename(fresh.c_str(), path.c_str()) != 0) throw io_failure(path, "replace");
  sync_directory(path);
}

void StoreKey::destroy(const std::filesystem::path& path) {
  shred_file(path);
}

void shred_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    std::error_code unknown;
    const auto size = std::filesystem::file_size(path, unknown);
    // In chunks: the plain store an upgrade replaces may be large.
    const std::string zeros(std::size_t{1} << 16, '\0');
    for (std::uintmax_t done = 0; !unknown && done < size; done += zeros.size()) {
      if (!write_all(
              fd,
              std::string_view(zeros).substr(
                  0, static_cast<std::size_t>(std::min<std::uintmax_t>(zeros.size(), size - done))),
              false)) {
        break;
      }
    }
    ::fsync(fd);  // the zeros reach the disk before the name goes
    ::close(fd);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw io_failure(path, "delete");
  sync_directory(path);
}

}  // namespace vigil::mobile
