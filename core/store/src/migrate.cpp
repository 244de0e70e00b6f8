#include "vigil/store/migrate.hpp"

#include <string>

#include "vigil/base/error.hpp"
#include "vigil/schema/migrations.hpp"

namespace vigil::store {

int latest_schema_version() {
  auto all = schema::migrations();
  return all.empty() ? 0 : all.back().version;
}

int schema_version(Database& db) {
  return static_cast<int>(single_int(db, "PRAGMA user_version"));
}

MigrationReport migrate(Database& db) {
  MigrationReport report;
  report.from_version = schema_version(db);
  const int latest = latest_schema_version();
  if (report.from_version > latest) {
    throw Error(ErrorCode::migration, "database " + db.path().string() + " is at schema version " +
                                          std::to_string(report.from_version) +
                                          " but this Vigil knows only up to " +
                                          std::to_string(latest) + "; use a newer Vigil");
  }
  for (const auto& migration : schema::migrations()) {
    if (migration.version <= report.from_version) continue;
    Transaction transaction(db);
    try {
      db.execute(migration.sql);
    } catch (const Error& error) {
      throw Error(ErrorCode::migration,
                  "migration " + std::to_string(migration.version) + " (" + migration.name +
                      ") failed: " + error.what(),
                  error.context());
    }
    // user_version cannot be bound; the value is our own integer, not input.
    db.execute("PRAGMA user_version = " + std::to_string(migration.version));
    transaction.commit();
  }
  report.to_version = latest;
  return report;
}

void require_current_schema(Database& db) {
  const int version = schema_version(db);
  const int latest = latest_schema_version();
  if (version == latest) return;
  if (version == 0) {
    throw Error(ErrorCode::migration, "database " + db.path().string() +
                                          " is not a Vigil database; create it with 'vigil init'");
  }
  if (version > latest) {
    throw Error(ErrorCode::migration, "database " + db.path().string() + " is at schema version " +
                                          std::to_string(version) +
                                          " but this Vigil knows only up to " +
                                          std::to_string(latest) + "; use a newer Vigil");
  }
  throw Error(ErrorCode::migration, "database " + db.path().string() + " is at schema version " +
                                        std::to_string(version) +
                                        "; run 'vigil init' to upgrade it to " +
                                        std::to_string(latest));
}

}  // namespace vigil::store
