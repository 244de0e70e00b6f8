// Phase 2a of `vigil import`: what the database already holds (Importer, importer.hpp).
#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "import/files.hpp"
#include "import/importer.hpp"

namespace vigil::backoffice::import_detail {

namespace {

// What a record's column is read as: the column, or for a reference (RecordColumn::refers_to)
// the ref of the record it names, kept by the same team.
std::string selected(const RecordColumn& column, std::string_view table) {
  if (column.refers_to.empty()) return std::string(column.name);
  const std::string own(table);
  return "(SELECT r.ref FROM " + std::string(column.refers_to) + " r WHERE r.id = " + own + "." +
         std::string(column.name) + " AND r.team_id = " + own + ".team_id)";
}

}  // namespace

// Every stored record of a kind (nominals, suspects, bail cases) by ref, read by its fields'
// columns (records.hpp).
template <class Fields>
void Importer::load_records(StoredByRef<Fields>& stored) {
  const std::string table(Fields::kTable);
  std::string sql = "SELECT id, ref";
  for (const auto& column : Fields::kColumns) sql += ", " + selected(column, table);
  auto select = db_.prepare(sql + " FROM " + table);
  while (select.step()) {
    Fields fields;
    std::apply([&](auto&... value) { select.columns(2, value...); }, Fields::values(fields));
    stored.emplace(select.column_text(1), Stored<Fields>{select.column_text(0), std::move(fields)});
  }
}

void Importer::load_database() {
  progress_.stage("reading the database");
  auto teams = db_.prepare("SELECT id, name FROM teams");
  while (teams.step()) team_ids_.emplace(teams.column_text(1), teams.column_text(0));

  auto officers = db_.prepare("SELECT id, username, name, role, team_id FROM officers");
  while (officers.step()) {
    officers_.emplace(officers.column_text(1),
                      StoredOfficer{officers.column_text(0), officers.column_text(2),
                                    officers.column_text(3), officers.column_text(4)});
  }
  auto supervisors = db_.prepare("SELECT team_id, officer_id FROM team_supervisors");
  while (supervisors.step()) {
    supervisions_.emplace(supervisors.column_text(0), supervisors.column_text(1));
  }

  // What each file present refers to: a plan follows an assessment, a linked file's records hang
  // from nominals, plans and bail cases.
  bool any_linked = false;
  for (const auto& spec : linked_files()) any_linked = any_linked || table(spec.file) != nullptr;
  bool needs_nominals = table(NominalsCsv::kFile) || table(AssessmentsCsv::kFile) ||
                        table(PlansCsv::kFile) || table(VisitsCsv::kFile) || any_linked;
  if (needs_nominals) load_records(nominals_);
  if (table(AssessmentsCsv::kFile) || table(PlansCsv::kFile)) load_assessments();
  if (table(PlansCsv::kFile) || table("plan_actions.csv")) load_plans();
  if (table(VisitsCsv::kFile)) load_visits();
  if (table(SuspectsCsv::kFile) || table(BailCsv::kFile)) load_records(suspects_);
  if (table(BailCsv::kFile) || any_linked) load_records(bail_cases_);
  if (any_linked) load_linked();
}

void Importer::load_assessments() {
  auto select = db_.prepare(
      "SELECT nominal_id, assessed_on, risk_level, assessor_id, risk_factors, "
      "protective_factors FROM assessments");
  while (select.step()) {
    assessments_[fact_key(select.column_text(0), select.column_text(1))].push_back(
        AssessmentFacts{select.column_text(2), select.column_optional_text(3),
                        select.column_text(4), select.column_text(5)});
  }
}

void Importer::load_plans() {
  auto select = db_.prepare(
      "SELECT p.nominal_id, p.started_on, p.visit_every_months, p.double_crewed, "
      "p.unannounced_required, a.assessed_on FROM plans p LEFT JOIN assessments a ON "
      "a.id = p.assessment_id");
  while (select.step()) {
    plans_[fact_key(select.column_text(0), select.column_text(1))].push_back(
        PlanFacts{select.column_optional_int(2), select.column_int(3) != 0,
                  select.column_int(4) != 0, select.column_optional_text(5)});
  }
}

void Importer::load_visits() {
  // Two plain scans joined here: cheaper than asking SQLite to group attendees by visit.
  struct Loaded {
    std::string key;
    VisitFacts facts;
  };
  std::unordered_map<std::string, Loaded> by_id;
  auto select = db_.prepare("SELECT id, nominal_id, occurred_at, announced, outcome FROM visits");
  while (select.step()) {
    // Stored instants are UTC 'Z' already; normalise anyway so a key never misses.
    std::string occurred_at = select.column_text(2);
    if (auto parsed = parse_instant(occurred_at)) {
      occurred_at = canonical_instant(occurred_at, *parsed);
    }
    by_id.emplace(select.column_text(0),
                  Loaded{fact_key(select.column_text(1), occurred_at),
                         VisitFacts{select.column_int(3) != 0, select.column_text(4), {}}});
  }
  // The visit as recorded, which is what a file's row is compared with.
  auto attendees =
      db_.prepare("SELECT visit_id, officer_id FROM visit_attendees WHERE recorded = 1");
  while (attendees.step()) {
    auto found = by_id.find(attendees.column_text(0));
    if (found != by_id.end()) found->second.facts.attendee_ids.push_back(attendees.column_text(1));
  }
  for (auto& [id, loaded] : by_id) {
    std::sort(loaded.facts.attendee_ids.begin(), loaded.facts.attendee_ids.end());
    visits_[loaded.key].push_back(std::move(loaded.facts));
  }
}

}  // namespace vigil::backoffice::import_detail
