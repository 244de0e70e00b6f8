#include "throttle.hpp"

#include <algorithm>

namespace vigil::server {

bool Throttle::blocked(const std::string& key, int allowed, Instant now,
                       std::chrono::minutes window) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return false;
  auto& times = it->second;
  while (!times.empty() && times.front() <= now - window) times.pop_front();
  if (times.empty()) {
    failures_.erase(it);
    return false;
  }
  return static_cast<int>(times.size()) >= allowed;
}

void Throttle::record(const std::string& key, Instant now, std::chrono::minutes window) {
  std::lock_guard lock(mutex_);
  if (failures_.size() >= sweep_at_) {
    std::erase_if(failures_,
                  [&](const auto& entry) { return entry.second.back() <= now - window; });
    sweep_at_ = std::max<std::size_t>(kFirstSweep, 2 * failures_.size());
  }
  failures_[key].push_back(now);
}

void Throttle::clear(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

}  // namespace vigil::server
