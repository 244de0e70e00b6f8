// Phase 3 of `vigil import`: officers, nominals, suspects and bail cases, inserted or updated by
// their key (Importer, importer.hpp).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "import/files.hpp"
#include "import/importer.hpp"
#include "vigil/base/ids.hpp"

namespace vigil::backoffice::import_detail {

// Upserts records keyed by ref: insert when new, update when any field differs.
template <class Fields, class Bind>
void Importer::write_records(const char* entity, std::string_view file,
                             std::vector<RecordRow<Fields>>& rows, StoredByRef<Fields>& stored,
                             store::Statement& insert, store::Statement& update, Bind bind) {
  auto& count = counts(file);
  stage(file, rows.size());
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
  auto& count = counts(OfficersCsv::kFile);
  stage(OfficersCsv::kFile, officer_rows_.size());
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
  if (nominal_rows_.empty()) return;
  // Columns the CSV does not carry (status, reactive management, sync metadata) are left
  // alone on update.
  auto insert = db_.prepare(
      "INSERT INTO nominals (id, ref, surname, forenames, date_of_birth, kind, mappa_category, "
      "mappa_level, risk_level, officer_id, team_id, no_fixed_abode, area) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  auto update = db_.prepare(
      "UPDATE nominals SET ref = ?2, surname = ?3, forenames = ?4, date_of_birth = ?5, "
      "kind = ?6, mappa_category = ?7, mappa_level = ?8, risk_level = ?9, officer_id = ?10, "
      "team_id = ?11, no_fixed_abode = ?12, area = ?13 WHERE id = ?1");
  auto bind = [](store::Statement& statement, const std::string& id, const std::string& ref,
                 const NominalFields& f) {
    statement.bind_all(id, ref, f.surname, f.forenames, f.date_of_birth, f.kind, f.mappa_category,
                       f.mappa_level, f.risk_level, f.officer_id, f.team_id, f.no_fixed_abode,
                       f.area);
  };
  write_records("nominal", NominalsCsv::kFile, nominal_rows_, nominals_, insert, update, bind);
}

void Importer::write_suspects() {
  if (suspect_rows_.empty()) return;
  auto insert = db_.prepare(
      "INSERT INTO suspects (id, ref, surname, forenames, offence, harm, outstanding_since, "
      "circulated_on, last_trace_on, officer_id, team_id, date_of_birth) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  auto update = db_.prepare(
      "UPDATE suspects SET ref = ?2, surname = ?3, forenames = ?4, offence = ?5, harm = ?6, "
      "outstanding_since = ?7, circulated_on = ?8, last_trace_on = ?9, officer_id = ?10, "
      "team_id = ?11, date_of_birth = ?12 WHERE id = ?1");
  auto bind = [](store::Statement& statement, const std::string& id, const std::string& ref,
                 const SuspectFields& f) {
    statement.bind_all(id, ref, f.surname, f.forenames, f.offence, f.harm, f.outstanding_since,
                       f.circulated_on, f.last_trace_on, f.officer_id, f.team_id, f.date_of_birth);
  };
  write_records("suspect", SuspectsCsv::kFile, suspect_rows_, suspects_, insert, update, bind);
}

void Importer::write_bail() {
  if (bail_rows_.empty()) return;
  auto insert = db_.prepare(
      "INSERT INTO bail_cases (id, ref, surname, forenames, offence, arrested_on, case_type, "
      "status, officer_id, team_id, date_of_birth, suspect_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
      "?7, ?8, ?9, ?10, ?11, (SELECT id FROM suspects WHERE ref = ?12))");
  auto update = db_.prepare(
      "UPDATE bail_cases SET ref = ?2, surname = ?3, forenames = ?4, offence = ?5, "
      "arrested_on = ?6, case_type = ?7, status = ?8, officer_id = ?9, team_id = ?10, "
      "date_of_birth = ?11, suspect_id = (SELECT id FROM suspects WHERE ref = ?12) WHERE id = ?1");
  auto bind = [](store::Statement& statement, const std::string& id, const std::string& ref,
                 const BailFields& f) {
    statement.bind_all(id, ref, f.surname, f.forenames, f.offence, f.arrested_on, f.case_type,
                       f.status, f.officer_id, f.team_id, f.date_of_birth, f.suspect_ref);
  };
  write_records("bail_case", BailCsv::kFile, bail_rows_, bail_cases_, insert, update, bind);
}

}  // namespace vigil::backoffice::import_detail
