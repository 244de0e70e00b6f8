// A small force for the sync tests, the same every time for the same seed: teams North and South,
// a supervisor and officers in each, an administrator, nominals with plans, suspects and bail
// cases, an order with a condition, and the national policy as version 1. Ids come from the seed,
// so two databases built alike hold the same records.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "temp_dir.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/password.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/store/officers.hpp"
#include "vigil/store/store.hpp"

inline constexpr const char* kTestPassword = "correct horse battery";

struct TestForce {
  std::map<std::string, std::string> team_ids;     // name -> id
  std::map<std::string, std::string> officer_ids;  // username -> id
  std::vector<std::string> north_nominals, south_nominals;
  std::vector<std::string> north_plans;
  std::string north_suspect, north_bail_case;
  std::string south_suspect, south_bail_case;
  std::string north_order;  // on north_nominals[0], with one condition

  // Creates the database at `path` (which must not exist) and fills it.
  static TestForce create(const std::filesystem::path& path, std::uint64_t seed = 1,
                          int nominals_per_team = 4) {
    TestForce force;
    vigil::store::Database db(path);
    vigil::store::migrate(db);
    std::mt19937_64 random(seed);
    // The cheapest Argon2id settings: the tests sign in often, and the hash is not under test.
    static const std::string hash =
        vigil::base::hash_password(kTestPassword, vigil::base::PasswordCost{1, 1024, 1});
    vigil::store::Transaction transaction(db);
    for (const char* team : {"North", "South"}) {
      const std::string id = vigil::base::make_uuid(random);
      db.prepare("INSERT INTO teams (id, name) VALUES (?, ?)").bind_all(id, team).run();
      force.team_ids[team] = id;
    }
    struct Person {
      const char* username;
      vigil::Role role;
      const char* team;
    };
    const Person people[] = {
        {"sgt.north", vigil::Role::supervisor, "North"},
        {"pc.a", vigil::Role::officer, "North"},
        {"pc.b", vigil::Role::officer, "North"},
        {"pc.c", vigil::Role::officer, "North"},
        {"pc.d", vigil::Role::officer, "North"},
        {"pc.e", vigil::Role::officer, "North"},
        {"sgt.south", vigil::Role::supervisor, "South"},
        {"pc.south", vigil::Role::officer, "South"},
        {"admin", vigil::Role::admin, "North"},
    };
    for (const auto& person : people) {
      vigil::store::Officer officer{vigil::base::make_uuid(random), person.username,
                                    person.username, person.role, person.team};
      force.officer_ids[person.username] = vigil::store::add_officer(
          db, officer, force.team_ids[person.team], hash, "2026-01-01T00:00:00Z");
    }
    auto nominal = db.prepare(
        "INSERT INTO nominals (id, ref, surname, forenames, date_of_birth, kind, mappa_level, "
        "risk_level, officer_id, team_id) VALUES (?, ?, ?, 'Test', '1980-01-01', 'rso', 1, "
        "'high', ?, ?)");
    auto plan = db.prepare(
        "INSERT INTO plans (id, nominal_id, started_on, double_crewed) VALUES (?, ?, "
        "'2026-01-01', 1)");
    int number = 0;
    for (const char* team : {"North", "South"}) {
      for (int i = 0; i < nominals_per_team; ++i) {
        const std::string id = vigil::base::make_uuid(random);
        const std::string ref = "NOM-" + std::to_string(++number);
        nominal.bind_all(id, ref, "Surname" + std::to_string(number),
                         force.officer_ids[team == std::string("North") ? "pc.a" : "pc.south"],
                         force.team_ids[team]);
        nominal.run();
        const std::string plan_id = vigil::base::make_uuid(random);
        plan.bind_all(plan_id, id);
        plan.run();
        (team == std::string("North") ? force.north_nominals : force.south_nominals).push_back(id);
        if (team == std::string("North")) force.north_plans.push_back(plan_id);
      }
    }
    // Inserts one row whose id (the first parameter) comes from the seed, and returns the id.
    const auto add = [&](const char* sql, const auto&... values) {
      const std::string id = vigil::base::make_uuid(random);
      db.prepare(sql).bind_all(id, values...).run();
      return id;
    };
    // A suspect and a bail case in each team (South's released under investigation): the values
    // are bound, in the order of the columns, after the id.
    const auto add_suspect = [&](const char* team, const char* ref, const char* surname,
                                 const char* forenames, const char* offence, int harm,
                                 const char* outstanding_since) {
      return add(
          "INSERT INTO suspects (id, ref, surname, forenames, offence, harm, outstanding_since, "
          "team_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          ref, surname, forenames, offence, harm, outstanding_since, force.team_ids[team]);
    };
    const auto add_bail_case = [&](const char* team, const char* ref, const char* surname,
                                   const char* forenames, const char* offence,
                                   const char* arrested_on, const char* status) {
      return add(
          "INSERT INTO bail_cases (id, ref, surname, forenames, offence, arrested_on, case_type, "
          "status, team_id) VALUES (?, ?, ?, ?, ?, ?, 'standard', ?, ?)",
          ref, surname, forenames, offence, arrested_on, status, force.team_ids[team]);
    };
    force.north_suspect =
        add_suspect("North", "SUS-1", "Suspect", "Sam", "burglary", 2, "2026-10-01");
    force.north_bail_case =
        add_bail_case("North", "BAIL-1", "Bailed", "Bo", "assault", "2026-11-01", "bail");
    force.south_suspect =
        add_suspect("South", "SUS-2", "Southern", "Sid", "robbery", 1, "2026-09-01");
    force.south_bail_case =
        add_bail_case("South", "BAIL-2", "Released", "Rae", "fraud", "2026-10-01", "rui");
    force.north_order =
        add("INSERT INTO orders (id, nominal_id, kind, made_on, court) VALUES (?, ?, 'shpo', "
            "'2025-06-01', 'Northtown Crown Court')",
            force.north_nominals[0]);
    add("INSERT INTO order_conditions (id, order_id, text) VALUES (?, ?, 'Not to enter any park')",
        force.north_order);
    add("INSERT INTO policy_versions (id, version, effective_from, approved_by, rationale, body, "
        "created_at) VALUES (?, 1, '2020-01-01', 'Chief Constable', 'National defaults', ?, "
        "'2026-01-01T00:00:00Z')",
        std::string(vigil::default_policy_json()));
    transaction.commit();
    return force;
  }
};

// A new nominal's fields that pass every check the sync engine makes, with a ref (NOM-1) the
// force already uses: only the schema's UNIQUE rule refuses it.
inline std::map<std::string, std::optional<std::string>> nominal_with_taken_ref() {
  return {{"ref", "NOM-1"},      {"surname", "Twin"},
          {"forenames", "Ref"},  {"date_of_birth", "1990-01-01"},
          {"kind", "violent"},   {"mappa_level", "1"},
          {"risk_level", "low"}, {"team", "North"}};
}

// The test force in a fresh database, and a connection to it: the fixture of the tests that work
// on the database directly.
struct ForceDatabase {
  TempDir dir;
  TestForce force = TestForce::create(dir.path() / "force.db");
  vigil::store::Database db{dir.path() / "force.db"};
};
