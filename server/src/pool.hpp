// Database connections for the API's requests: one per request in flight, reused, so a request
// does not pay for opening the file and reading the schema. Thread-safe. Private to server/.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "vigil/store/store.hpp"
#include "writer.hpp"

namespace vigil::server {

class Pool {
 public:
  Pool(std::filesystem::path path, FileMap map);

  // A connection lent for one request and given back when the lease ends, its statements reset
  // so the next request reads the newest data, not this one's snapshot.
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<store::Database> db) : pool_(pool), db_(std::move(db)) {}
    ~Lease() { pool_.give_back(std::move(db_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    store::Database& operator*() { return *db_; }

   private:
    Pool& pool_;
    std::unique_ptr<store::Database> db_;
  };

  // Opens `count` connections now, each with the schema read, and keeps them: the first
  // requests after start-up (the morning meeting's, all at once) then find them ready.
  void open_ahead(int count);
  // An idle connection, or a new one when every one is lent. Throws vigil::Error when the
  // database cannot be opened.
  Lease take();

 private:
  void give_back(std::unique_ptr<store::Database> db);

  std::filesystem::path path_;
  FileMap map_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Database>> idle_;
};

}  // namespace vigil::server
