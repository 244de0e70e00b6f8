// Sign-in failures in a sliding window, by key (a username from an address, an address). The
// keys are the clients' choice, so a key whose failures have all aged out is dropped: a stream of
// made-up usernames cannot grow the table without bound. Thread-safe. Private to server/.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "vigil/rules/dates.hpp"

namespace vigil::server {

class Throttle {
 public:
  // True when the key has `allowed` failures or more within the window ending at `now`.
  bool blocked(const std::string& key, int allowed, Instant now, std::chrono::minutes window);
  void record(const std::string& key, Instant now, std::chrono::minutes window);
  void clear(const std::string& key);

 private:
  static constexpr std::size_t kFirstSweep = 1024;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Instant>> failures_;  // never an empty deque
  std::size_t sweep_at_ = kFirstSweep;
};

}  // namespace vigil::server
