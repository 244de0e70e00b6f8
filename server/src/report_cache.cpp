#include "report_cache.hpp"

namespace vigil::server {

std::any ReportCache::find_or_make(const std::string& key, std::int64_t generation,
                                   const std::function<std::any()>& make, bool* hit) {
  std::shared_future<std::any> waiting;
  std::promise<std::any> promise;
  std::uint64_t serial = 0;
  {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(key);
    if (found != entries_.end() && found->second.generation >= generation) {
      recent_.splice(recent_.begin(), recent_, found->second.recency);
      waiting = found->second.report;
    } else {
      if (found != entries_.end()) {
        recent_.erase(found->second.recency);
        entries_.erase(found);
      }
      recent_.push_front(key);
      serial = ++serials_;
      entries_.emplace(key,
                       Entry{generation, serial, promise.get_future().share(), recent_.begin()});
      while (entries_.size() > capacity_) {
        entries_.erase(recent_.back());
        recent_.pop_back();
      }
    }
  }
  // Waiting for a report another request is making happens outside the lock; get() rethrows
  // what its make() threw.
  if (hit) *hit = waiting.valid();
  if (waiting.valid()) return waiting.get();
  try {
    std::any made = make();
    promise.set_value(made);
    return made;
  } catch (...) {
    promise.set_exception(std::current_exception());
    std::lock_guard lock(mutex_);
    auto found = entries_.find(key);
    if (found != entries_.end() && found->second.serial == serial) {
      recent_.erase(found->second.recency);
      entries_.erase(found);
    }
    throw;
  }
}

}  // namespace vigil::server
