// Phase 3 of `vigil import`: officers, nominals, suspects and bail cases, inserted or updated by
// their key (Importer, importer.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "import/files.hpp"
#include "import/importer.hpp"
#include "vigil/base/ids.hpp"

namespace vigil::backoffice::import_detail {

namespace {

// What a record's column is written as from parameter `parameter`: the field, or for a reference
// (RecordColumn::refers_to) the id of the record the field names by ref.
std::string written(const RecordColumn& column, int parameter) {
  std::string mark = "?" + std::to_string(parameter);
  if (column.refers_to.empty()) return mark;
  return "(SELECT id FROM " + std::string(column.refers_to) + " WHERE ref = " + mark + ")";
}

}  // namespace

// Upserts records keyed by ref, by their fields' columns (records.hpp): insert when new, update
// when any field differs.
template <class Fields>
void Importer::write_records(const char* entity, std::string_view file,
                             std::vector<RecordRow<Fields>>& rows, StoredByRef<Fields>& stored) {
  if (rows.empty()) return;
  // Parameters: ?1 the id, ?2 the ref, then each field in its column's place.
  std::string columns = "id, ref";
  std::string values = "?1, ?2";
  std::string sets = "ref = ?2";
  int parameter = 2;
  for (const auto& column : Fields::kColumns) {
    const std::string value = written(column, ++parameter);
    columns += ", " + std::string(column.name);
    values += ", " + value;
    sets += ", " + std::string(column.name) + " = " + value;
  }
  const std::string table(Fields::kTable);
  auto insert = db_.prepare("INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")");
  auto update = db_.prepare("UPDATE " + table + " SET " + sets + " WHERE id = ?1");
  const auto bind = [](store::Statement& statement, const std::string& id, const std::string& ref,
                       const Fields& fields) {
    std::apply([&](const auto&... value) { statement.bind_all(id, ref, value...); },
               Fields::values(fields));
  };
  auto& count = begin_writing(file, rows.size());
  std::int64_t done = 0;
  for (auto& row : rows) {
    progress_.update(++done);
    row.fields.officer_id = officer_id(row.officer);
    row.fields.team_id = team_id(row.team);
    auto found = stored.find(row.ref);
    if (found == stored.end()) {
      std::string id = base::make_uuid();
      bind(insert, id, row.ref, row.fields);
      insert.run();
      written_records_.push_back({entity, id, true, std::nullopt});
      stored.emplace(row.ref, Stored<Fields>{std::move(id), std::move(row.fields)});
      ++count.inserted;
      written_ = true;
    } else if (found->second.fields != row.fields) {
      bind(update, found->second.id, row.ref, row.fields);
      update.run();
      written_records_.push_back({entity, found->second.id, false, found->second.fields.team_id});
      found->second.fields = std::move(row.fields);
      ++count.updated;
      written_ = true;
    } else {
      ++count.unchanged;
    }
  }
}

void Importer::write_officers() {
  if (officer_rows_.empty()) return;
  auto insert = db_.prepare(
      "INSERT INTO officers (id, username, name, role, team_id, password_hash, created_at) "
      "VALUES (?, ?, ?, ?, ?, NULL, ?)");
  auto update = db_.prepare("UPDATE officers SET name = ?, role = ?, team_id = ? WHERE id = ?");
  auto supervise = db_.prepare("INSERT INTO team_supervisors (team_id, officer_id) VALUES (?, ?)");
  // A supervisor made an officer or admin must lose the scope supervising gave them.
  auto stop_supervising = db_.prepare("DELETE FROM team_supervisors WHERE officer_id = ?");
  auto& count = begin_writing(OfficersCsv::kFile, officer_rows_.size());
  std::int64_t done = 0;
  for (const auto& row : officer_rows_) {
    progress_.update(++done);
    std::string team = team_id(row.team);
    std::string role(to_string(row.role));
    bool inserted = false;
    bool changed = false;
    auto found = officers_.find(row.username);
    if (found == officers_.end()) {
      std::string id = base::make_uuid();
      insert.bind_all(id, row.username, row.name, role, team, clock_.now_text).run();
      written_records_.push_back({"officer", id, true, std::nullopt});
      found = officers_.emplace(row.username, StoredOfficer{id, row.name, role, team}).first;
      inserted = true;
    } else {
      StoredOfficer& stored = found->second;
      if (stored.name != row.name || stored.role != role || stored.team_id != team) {
        if (stored.role == to_string(Role::supervisor) && row.role != Role::supervisor) {
          stop_supervising.bind_all(stored.id).run();
          std::erase_if(supervisions_, [&](const auto& s) { return s.second == stored.id; });
        }
        update.bind_all(row.name, role, team, stored.id).run();
        written_records_.push_back({"officer", stored.id, false, std::nullopt});
        stored.name = row.name;
        stored.role = role;
        stored.team_id = team;
        changed = true;
      }
    }
    const std::string& id = found->second.id;
    if (row.role == Role::supervisor && supervisions_.emplace(team, id).second) {
      supervise.bind_all(team, id).run();
      changed = true;
    }
    // An officer is counted once, even when both the row and the supervision changed.
    if (inserted) {
      ++count.inserted;
    } else if (changed) {
      ++count.updated;
    } else {
      ++count.unchanged;
    }
    if (inserted || changed) written_ = true;
  }
}

void Importer::write_nominals() {
  write_records("nominal", NominalsCsv::kFile, nominal_rows_, nominals_);
}

void Importer::write_suspects() {
  write_records("suspect", SuspectsCsv::kFile, suspect_rows_, suspects_);
}

void Importer::write_bail() {
  write_records("bail_case", BailCsv::kFile, bail_rows_, bail_cases_);
}

}  // namespace vigil::backoffice::import_detail
