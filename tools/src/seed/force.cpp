// The seed's teams and officers (Seeder, seeder.hpp).
#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "seed/seeder.hpp"
#include "seed/words.hpp"
#include "seed/writers.hpp"

namespace vigil::backoffice::seed_detail {

namespace {

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\'') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace

// Every draw is its own statement: the order in which a function's arguments (or the operands
// of +) are evaluated is unspecified, and a different order would give a different database.
std::string Seeder::person_name() {
  std::string name(dice_.pick(kForenames));
  name += ' ';
  name += dice_.pick(kSurnames);
  return name;
}

std::size_t Seeder::add_officer(std::string username, std::string name, Role role,
                                std::size_t team) {
  officers_.push_back({dice_.uuid(), std::move(username), std::move(name), role, team});
  return officers_.size() - 1;
}

void Seeder::plan_force_shape() {
  if (shape_.curated) {
    // Readable usernames for people trying Vigil out: sgt.north, pc.ahmed, ...
    std::vector<std::string_view> surnames(std::begin(kSurnames), std::end(kSurnames));
    for (std::size_t i = 0; i < surnames.size(); ++i) {
      std::swap(surnames[i], surnames[i + dice_.index(surnames.size() - i)]);
    }
    std::size_t next_surname = 0;
    for (int t = 0; t < shape_.areas; ++t) {
      TeamSketch team;
      team.id = dice_.uuid();
      team.area = kAreas[t];
      team.name = std::string(team.area) + " 1";
      teams_.push_back(std::move(team));
      const std::size_t index = teams_.size() - 1;
      teams_[index].sergeant = add_officer(
          "sgt." + lower(kAreas[t]),
          std::string(dice_.pick(kForenames)) + " " + std::string(surnames[next_surname++]),
          Role::supervisor, index);
      for (int m = 0; m < shape_.offender_managers / shape_.areas; ++m) {
        std::string_view surname = surnames[next_surname++];
        teams_[index].members.push_back(
            add_officer("pc." + lower(surname),
                        std::string(dice_.pick(kForenames)) + " " + std::string(surname),
                        Role::officer, index));
      }
    }
  } else {
    // Teams of 6 to 8 offender managers and a sergeant (docs/domain.md, realistic sizes).
    int placed = 0;
    int per_area_count[std::size(kAreas)] = {};
    while (placed < shape_.offender_managers) {
      const std::size_t index = teams_.size();
      const auto area = index % static_cast<std::size_t>(shape_.areas);
      const int size =
          std::min(6 + static_cast<int>(dice_.weighted(std::array<int, 3>{10, 25, 65})),
                   std::max(6, shape_.offender_managers - placed));
      TeamSketch team;
      team.id = dice_.uuid();
      team.area = kAreas[area];
      team.name = std::string(team.area) + " " + std::to_string(++per_area_count[area]);
      teams_.push_back(std::move(team));
      teams_[index].sergeant =
          add_officer("sgt." + lower(teams_[index].name), person_name(), Role::supervisor, index);
      for (int m = 0; m < size; ++m) {
        const auto number = static_cast<std::int64_t>(officers_.size());
        const std::string_view surname = dice_.pick(kSurnames);
        teams_[index].members.push_back(
            add_officer("pc." + lower(surname) + "." + numbered("", number, 4),
                        std::string(dice_.pick(kForenames)) + " " + std::string(surname),
                        Role::officer, index));
      }
      placed += size;
    }
    if (shape_.area_inspectors) {
      // An inspector per area, based in its first team, supervising every team of the area.
      for (int a = 0; a < shape_.areas && a < static_cast<int>(teams_.size()); ++a) {
        inspectors_.push_back(add_officer("insp." + lower(kAreas[a]), person_name(),
                                          Role::supervisor, static_cast<std::size_t>(a)));
      }
    }
  }
  if (make_admin_) add_officer("admin", "Force Administrator", Role::admin, 0);
  for (const auto& team : teams_) {
    for (std::size_t member : team.members) offender_managers_.push_back(member);
  }
}

void Seeder::write_teams_and_officers(Writers& w, const std::string& password_hash) {
  progress_.stage("teams and officers", static_cast<std::int64_t>(officers_.size()));
  for (const auto& team : teams_) w.teams.insert(team.id, team.name);
  std::int64_t done = 0;
  for (const auto& officer : officers_) {
    // Officers joined before the history starts, so everything they recorded is after it.
    const Day joined = plus_days(window_start_, -dice_.between(30, 900));
    const auto created = calendar_.text(calendar_.at(joined, dice_.between(8 * 3600, 17 * 3600)));
    w.officers.insert(officer.id, officer.username, officer.name, to_string(officer.role),
                      teams_[officer.team].id, password_hash, created.view());
    w.flush_if_large();
    progress_.update(++done);
  }
  for (const auto& team : teams_) {
    w.team_supervisors.insert(team.id, officers_[team.sergeant].id);
  }
  for (std::size_t inspector : inspectors_) {
    const std::string_view area = teams_[officers_[inspector].team].area;
    for (const auto& team : teams_) {
      if (team.area == area) w.team_supervisors.insert(team.id, officers_[inspector].id);
    }
  }
}

// A colleague for a double-crewed visit: another offender manager of the team, sometimes the
// sergeant.
std::size_t Seeder::partner_of(std::size_t officer) {
  const TeamSketch& team = teams_[officers_[officer].team];
  if (dice_.chance(0.1) || team.members.size() < 2) return team.sergeant;
  for (;;) {
    std::size_t other = dice_.pick(team.members);
    if (other != officer) return other;
  }
}

}  // namespace vigil::backoffice::seed_detail
