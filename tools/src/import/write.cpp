// Phase 3 of `vigil import`: the order of writing, the ids written rows refer to, and the audit
// (Importer, importer.hpp).
#include <cstdint>
#include <optional>
#include <string>

#include "import/files.hpp"
#include "import/importer.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"

namespace vigil::backoffice::import_detail {

void Importer::write_all() {
  write_officers();
  write_nominals();
  write_assessments();
  write_plans();
  write_visits();
  write_suspects();
  write_bail();
  for (const auto& spec : linked_files()) write_linked(spec);
}

ImportCounts& Importer::begin_writing(std::string_view file, std::size_t rows) {
  progress_.stage("importing " + std::string(file), static_cast<std::int64_t>(rows));
  return result_.counts[std::string(file)];
}

std::string Importer::team_id(const std::string& name) {
  auto found = team_ids_.find(name);
  if (found != team_ids_.end()) return found->second;
  if (!insert_team_)
    insert_team_.emplace(db_.prepare("INSERT INTO teams (id, name) VALUES (?, ?)"));
  std::string id = base::make_uuid();
  insert_team_->bind_all(id, name).run();
  written_records_.push_back({"team", id, true, std::nullopt});
  team_ids_.emplace(name, id);
  ++teams_created_;
  written_ = true;
  return id;
}

std::optional<std::string> Importer::officer_id(const std::string& username) const {
  if (username.empty()) return std::nullopt;
  auto found = officers_.find(username);
  if (found == officers_.end()) {
    throw Error(ErrorCode::internal,
                "import: officer '" + username + "' was checked but not written");
  }
  return found->second.id;
}

const std::string& Importer::nominal_id(const std::string& ref) const {
  auto found = nominals_.find(ref);
  if (found == nominals_.end()) {
    throw Error(ErrorCode::internal, "import: nominal '" + ref + "' was checked but not written");
  }
  return found->second.id;
}

void Importer::write_audit() {
  std::string reason = "imported from " + dir_.string() + ":";
  bool first = true;
  for (auto file : import_files()) {
    auto found = result_.counts.find(std::string(file));
    if (found == result_.counts.end()) continue;
    const auto& c = found->second;
    reason += first ? " " : "; ";
    first = false;
    reason += std::string(file) + " " + std::to_string(c.rows) + " rows (" +
              std::to_string(c.inserted) + " inserted, " + std::to_string(c.updated) +
              " updated, " + std::to_string(c.unchanged) + " unchanged)";
  }
  if (teams_created_ > 0) reason += "; " + std::to_string(teams_created_) + " new teams";
  auto insert = db_.prepare(
      "INSERT INTO audit_log (id, occurred_at, action, entity, reason) VALUES (?, ?, ?, ?, ?)");
  insert.bind_all(base::make_uuid(), clock_.now_text, "import", "import", reason).run();
}

}  // namespace vigil::backoffice::import_detail
