// Reports made once and served again until something they cover changes. A supervisor's team
// report costs tens of milliseconds of CPU on a national force, and twenty of them asked for at
// once share two cores; the same report asked again, with nothing changed, costs a lookup.
//
// What "changed" means: every write that can change a report is logged in the change log (a
// tablet's push, a supervisor's decision, and, once a device exists, which it does before anyone
// can ask for a report, every back-office command), with the team whose tablets receive it. A
// report is cached with its scope's generation, the last change of any of its teams (or of the
// whole force); the caller reads the generation before making the report, so a change landing
// during the making only makes the entry newer than its generation says, never staler.
//
// Thread-safe: the first request for a key makes the report; requests for the same key that
// arrive meanwhile wait for it instead of making it again. At most `capacity` reports are kept,
// the least recently used going first.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace vigil::server {

class ReportCache {
 public:
  explicit ReportCache(std::size_t capacity) : capacity_(capacity) {}

  // The report for `key` at `generation`: the cached one when it was made at that generation or
  // later (`*hit` set), else `make()`'s, kept for the next caller. An exception from make()
  // reaches every caller waiting for it, and nothing is kept.
  template <class Report, class Make>
  std::shared_ptr<const Report> get(const std::string& key, std::int64_t generation, Make make,
                                    bool* hit = nullptr) {
    std::any made = find_or_make(
        key, generation,
        [&]() -> std::any {
          return std::shared_ptr<const Report>(std::make_shared<const Report>(make()));
        },
        hit);
    return std::any_cast<std::shared_ptr<const Report>>(made);
  }

 private:
  struct Entry {
    std::int64_t generation = 0;
    std::uint64_t serial = 0;  // which making this is: a failed one removes only itself
    std::shared_future<std::any> report;
    std::list<std::string>::iterator recency;  // in recent_, most recent first
  };
  std::any find_or_make(const std::string& key, std::int64_t generation,
                        const std::function<std::any()>& make, bool* hit);

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> recent_;
  std::uint64_t serials_ = 0;
};

}  // namespace vigil::server
