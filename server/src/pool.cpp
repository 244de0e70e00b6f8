#include "pool.hpp"

namespace vigil::server {

Pool::Pool(std::filesystem::path path, FileMap map) : path_(std::move(path)), map_(map) {}

void Pool::open_ahead(int count) {
  std::vector<std::unique_ptr<store::Database>> opened;
  for (int i = 0; i < count; ++i) {
    opened.push_back(std::make_unique<store::Database>(open_durable(path_, map_)));
    opened.back()->execute("SELECT count(*) FROM sqlite_schema");
  }
  std::lock_guard lock(mutex_);
  for (auto& db : opened) idle_.push_back(std::move(db));
}

Pool::Lease Pool::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  return Lease(*this, std::make_unique<store::Database>(open_durable(path_, map_)));
}

void Pool::give_back(std::unique_ptr<store::Database> db) {
  db->reset_statements();
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(db));
}

}  // namespace vigil::server
