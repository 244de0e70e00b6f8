// Brings a database to this build's schema version (docs/house-style.md, "Data").
#pragma once

#include "vigil/store/store.hpp"

namespace vigil::store {

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

// The newest schema version this build knows.
int latest_schema_version();
// PRAGMA user_version of the open database.
int schema_version(Database& db);

// Runs each missing migration in its own transaction, in order. Throws vigil::Error
// (code migration) for a database newer than this build, leaving it untouched.
MigrationReport migrate(Database& db);

// Throws vigil::Error (code migration) unless the database is exactly at latest_schema_version():
// commands other than `init` use this so they never write to an old or foreign file.
void require_current_schema(Database& db);

}  // namespace vigil::store
