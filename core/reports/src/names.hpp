// Officers' usernames and teams' names by id, for a report that meets ids row by row rather than
// joining them in each query. Teams are few and read at once. Officers are read at once for the
// whole force, or looked up as they are met and kept: a team's report meets a few dozen of the
// force's thousands. Ids are looked up as views, such as into SQLite's row buffer. One thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vigil/store/store.hpp"

namespace vigil::reports {

class Names {
 public:
  Names(store::Database& db, bool every_officer);

  struct Officer {
    std::string username, team_id;
  };
  // nullptr when no officer has that id.
  const Officer* officer(std::string_view id);
  // "" when the id is empty or no officer has it.
  std::string username(std::string_view id);
  // "" when no team has that id.
  std::string team(std::string_view id) const;

 private:
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  template <class Value>
  using ById = std::unordered_map<std::string, Value, IdHash, std::equal_to<>>;

  store::Database& db_;
  bool every_officer_;
  ById<std::optional<Officer>> officers_;  // nullopt: looked up, and not there
  ById<std::string> teams_;
};

}  // namespace vigil::reports
