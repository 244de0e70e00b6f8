// One person, one view: the records of the same person kept as a nominal, a suspect and a bail
// case (docs/domain.md, "One person"), looked up by date of birth and compared by core's rule
// (rules/people.hpp), within the teams the caller may see. The caller owns the Database.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/store/store.hpp"

namespace vigil::reports {

struct PersonRecord {
  std::string surname, forenames, date_of_birth;
};

// A record that is the person: its id (for the read audit) and its ref (for the reader).
struct MatchedRecord {
  std::string id, ref;
};

// The suspects and bail cases, in the teams (their ids as a JSON array; nullopt: the whole
// force), that are this person, by ref.
struct PersonMatches {
  std::vector<MatchedRecord> suspects, bail_cases;
};
PersonMatches suspects_and_bail_of(store::Database& db, const PersonRecord& person,
                                   const std::optional<std::string>& team_ids);

// The ref of the nominal, in the teams, that is this person; nullopt when none (or no date of
// birth to go by). The first by ref when, unusually, two are.
std::optional<std::string> nominal_of(store::Database& db, const PersonRecord& person,
                                      const std::optional<std::string>& team_ids);

}  // namespace vigil::reports
