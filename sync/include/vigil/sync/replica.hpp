// The tablet's copy of its scope (docs/sync-protocol.md). What a pull brings is stored with
// the same conversions the server stores with, and what the officer records is checked as the
// server will check it and stored at once, so the tablet shows it before it has ever synced.
//
// Ownership and threads: a Replica borrows the device store's Database and is used by the one
// thread that uses it; the caller holds the transaction. Throws vigil::Error when the database
// fails; what the store cannot take is a return value, not an exception.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/rules/domain.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::sync {

// Who records a change on this tablet.
struct Author {
  std::string officer_id;
  Role role = Role::officer;
  std::string device_id;
};

class Replica {
 public:
  explicit Replica(store::Database& db) : db_(db) {}

  // Stores one item of a pull: a whole record, a change, or a purge. False when the store cannot
  // take the item as it stands: a change to a record it does not hold, or a value naming an
  // officer, team or record it does not have. The store has then drifted from the server, and
  // the tablet takes its scope afresh.
  bool apply(const PullItem& item);

  // Checks a change the officer makes with the server's own checks, against what the tablet
  // holds, and stores it when it passes. Returns why the server would refuse it, if it would;
  // nothing is then stored.
  [[nodiscard]] std::optional<std::string> record(const Change& change, const Author& author);

  // Why the server would refuse this change from this author, if it would.
  [[nodiscard]] std::optional<std::string> check(const Change& change, const Author& author);

  // Every field of a record the tablet holds, in wire form; nullopt when it holds none.
  std::optional<FieldValues> fields_of(const std::string& entity, const std::string& id);
  // The records of `entity` whose parent is `parent_id`, each with its id under "id".
  std::vector<FieldValues> children_of(const std::string& entity, const std::string& parent_id);

  // Removes a record and everything below it (its visits, plans, orders...).
  void purge(const std::string& entity, const std::string& id);
  // Removes every record a pull brought, before the scope is taken afresh. The tablet's own read
  // audit stays: it is the officer's evidence until the server has it.
  void clear();

  // The scope digest (SyncEngine::scope_digest) of everything the tablet holds: equal to the
  // server's when the tablet holds exactly its scope as the server has it.
  std::string digest();

 private:
  store::Database& db_;
};

}  // namespace vigil::sync
