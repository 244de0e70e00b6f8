// `vigil seed`: synthetic but realistic data at the sizes of docs/domain.md, with the backlogs the
// inspectors found, identical for the same profile, seed and as-of date.
// The caller owns the Database (migrated, holding no nominals yet); one thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "vigil/base/progress.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/store/store.hpp"

namespace vigil::backoffice {

enum class SeedProfile { demo, force, national };

struct SeedOptions {
  SeedProfile profile = SeedProfile::demo;
  std::uint64_t seed = 1;
  Date as_of;  // history runs up to this date; nothing is recorded after it
};

// Rows written, by table name.
using SeedCounts = std::map<std::string, std::int64_t>;

// The password every seeded officer signs in with (synthetic data only).
inline constexpr const char* kSeedPassword = "vigil-demo-password";

// Throws vigil::Error (code invalid_input) when the database already holds nominals.
SeedCounts seed_database(store::Database& db, const SeedOptions& options, base::Progress& progress);

}  // namespace vigil::backoffice
