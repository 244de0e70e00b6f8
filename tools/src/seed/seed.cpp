// `vigil seed`: synthetic data at the sizes of docs/domain.md, with the backlogs the inspectors
// found.
//
// The seed runs in three steps. First it draws the force's shape (teams, officers, caseloads).
// Then it sketches each nominal: the few facts the overdue rules look at (last seen visit, last
// assessment, last plan review, last notification) are chosen first, as targets, so a chosen share
// of nominals is late by a chosen number of days; the rest of the history is then generated
// backwards from those targets. Finally each table is written in its own stage.
//
// Every random choice and every id comes from one generator seeded from the options, and every
// date is derived from as_of, so the same profile, seed and as-of date give the same database.
#include "vigil/tools/seed.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "bulk/bulk_load.hpp"
#include "seed/seeder.hpp"
#include "seed/writers.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/password.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/store/policy_versions.hpp"
#include "vigil/store/team_facts.hpp"

namespace vigil::backoffice {
namespace seed_detail {
namespace {

ProfileShape shape_of(SeedProfile profile) {
  switch (profile) {
    case SeedProfile::demo:
      return {12, 22, 28, 2, 500, 100, false, true};
    case SeedProfile::force:
      return {88, 40, 50, 4, 15000, 3000, true, false};
    case SeedProfile::national:
      // 1,500 offender managers at the upper end of 38-50 gives the national ~70,000.
      return {1500, 43, 50, 20, 300000, 50000, true, false};
  }
  throw Error(ErrorCode::internal, "unknown seed profile");
}

// Bulk loading: no fsync, a large page cache and no per-row foreign-key lookups while the one
// transaction runs; the connection's settings come back afterwards even when the seed fails.
// The seed makes every parent before its children, so its rows satisfy the foreign keys by
// construction (the tests run PRAGMA foreign_key_check on a seeded database); checking each row
// as it goes would look up a parent's key for nearly every row written.
// Rows arrive in key order batches (TableWriter), so a moderate cache holds the index pages
// a batch touches; a bigger one was measured to buy nothing but memory.
constexpr bulk_detail::BulkOptions kBulkLoad{
    .cache_kib = 65536, .durability_off = true, .foreign_keys_off = true};

}  // namespace

std::string numbered(std::string_view prefix, std::int64_t number, int width) {
  std::string digits = std::to_string(number);
  std::string out(prefix);
  if (static_cast<int>(digits.size()) < width) {
    out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  }
  return out + digits;
}

int risk_index(RiskLevel level) {
  return static_cast<int>(index_of(level));
}

Seeder::Seeder(store::Database& db, const SeedOptions& options, base::Progress& progress)
    : db_(db),
      options_(options),
      progress_(progress),
      shape_(shape_of(options.profile)),
      dice_(options.seed),
      calendar_(options.as_of),
      as_of_(day_of(options.as_of)),
      window_start_(plus_months(as_of_, -36)) {}

SeedCounts Seeder::run() {
  make_admin_ = !has_admin();
  plan_force_shape();
  check_no_clashes();
  // Argon2id is deliberately slow: one hash, shared by every seeded officer.
  const std::string password_hash = base::hash_password(kSeedPassword);

  bulk_detail::BulkSettings bulk(db_, kBulkLoad);
  store::Transaction transaction(db_);
  SeedCounts counts;
  if (record_policy_if_missing()) counts["policy_versions"] = 1;
  policy_ = store::policy_in_force(db_, options_.as_of);
  Writers writers(db_);

  write_teams_and_officers(writers, password_hash);
  writers.flush();
  sketch_nominals();
  // Each stage's rows are all written before the next stage, whose rows may refer to them.
  for (auto stage : {&Seeder::write_nominals, &Seeder::write_addresses, &Seeder::write_assessments,
                     &Seeder::write_plans, &Seeder::write_visits, &Seeder::write_orders,
                     &Seeder::write_notifications, &Seeder::write_suspects,
                     &Seeder::write_bail_cases, &Seeder::write_young_people}) {
    (this->*stage)(writers);
    writers.flush();
  }
  // The visits' copy for the reports is taken once they and their attendees are all written.
  store::copy_visits(db_);

  progress_.stage("committing");
  transaction.commit();
  progress_.finish();
  for (const TableWriter* writer : writers.all()) counts[writer->table()] = writer->rows();
  return counts;
}

void Seeder::for_each_nominal(Writers& w, std::string_view stage,
                              const std::function<void(const NominalSketch&)>& write) {
  progress_.stage(stage, static_cast<std::int64_t>(nominals_.size()));
  std::int64_t done = 0;
  for (const auto& n : nominals_) {
    w.flush_if_large();
    progress_.update(++done);
    write(n);
  }
}

// ---------------------------------------------------------------------------------------------
// Preconditions and policy

// An `init` may already have made an admin: the seed then keeps that one and adds none.
bool Seeder::has_admin() {
  auto admins = db_.prepare("SELECT count(*) FROM officers WHERE role = 'admin'");
  admins.step();
  return admins.column_int(0) > 0;
}

// The seed makes its own teams and officers; it refuses rather than half-merge with someone
// else's.
void Seeder::check_no_clashes() {
  std::unordered_set<std::string> taken;
  auto names = db_.prepare("SELECT name FROM teams UNION ALL SELECT username FROM officers");
  while (names.step()) taken.insert(names.column_text(0));
  for (const auto& team : teams_) {
    if (taken.count(team.name) != 0) {
      throw Error(ErrorCode::invalid_input,
                  "the database already has a team named '" + team.name +
                      "'; seed a database that holds no teams of its own");
    }
  }
  for (const auto& officer : officers_) {
    if (taken.count(officer.username) != 0) {
      throw Error(ErrorCode::invalid_input,
                  "the database already has an officer with username '" + officer.username +
                      "'; seed a database that holds no officers of its own");
    }
  }
}

bool Seeder::record_policy_if_missing() {
  auto count = db_.prepare("SELECT count(*) FROM policy_versions");
  count.step();
  if (count.column_int(0) != 0) return false;
  store::add_policy_version(db_, default_policy(), add_months_clamped(options_.as_of, -36),
                            "National guidance",
                            "The historic national minimum standards, in force when the synthetic "
                            "history begins.");
  return true;
}

}  // namespace seed_detail

using seed_detail::Seeder;

SeedCounts seed_database(store::Database& db, const SeedOptions& options,
                         base::Progress& progress) {
  {
    auto nominals = db.prepare("SELECT count(*) FROM nominals");
    nominals.step();
    if (nominals.column_int(0) > 0) {
      throw Error(ErrorCode::invalid_input,
                  "the database already holds nominals; seed only a new, empty database");
    }
  }
  Seeder seeder(db, options, progress);
  return seeder.run();
}

}  // namespace vigil::backoffice
