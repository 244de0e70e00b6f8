// The inside of `vigil import` (vigil/tools/import.hpp), shared by the files of import/: the
// Importer, whose members live one file per phase:
//   import.cpp         the run and its problems
//   read.cpp           phase 1: the files, read and parsed, no database access
//   load.cpp           phase 2a: what the database holds
//   check.cpp          phase 2b: every check's look-ups, and the attendees of a visit
//   check_records.cpp  phase 2b: officers, nominals, suspects and bail cases
//   check_facts.cpp    phase 2b: assessments, plans and visits
//   write.cpp          phase 3: the ids written rows refer to, and the audit
//   write_records.cpp  phase 3: officers, nominals, suspects and bail cases
//   write_facts.cpp    phase 3: assessments, plans and visits
//   linked.cpp         every phase of the linked files (linked.hpp): addresses, orders and their
//                      conditions, plan actions, notification requirements, bail extensions and
//                      conditions, young people, encounters and safeguarding referrals
// Private to import/.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "import/linked.hpp"
#include "import/records.hpp"
#include "import/table.hpp"
#include "vigil/base/csv.hpp"
#include "vigil/base/progress.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/back_office.hpp"
#include "vigil/tools/import.hpp"

namespace vigil::backoffice::import_detail {

// An open file descriptor, closed when it goes.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
};

// One run of `vigil import`. Its members are defined in the file of their phase (see each group
// below).
class Importer {
 public:
  Importer(store::Database& db, std::filesystem::path dir, base::Progress& progress);

  ImportResult run();

  // What the linked files' rules look at (linked.hpp, LinkedRule): a record of a linked file by
  // its key, the records of a linked file that hang from one parent, and a bail case's arrest (its
  // date and case type), each as this import would leave it.
  const std::vector<sync::StoredValue>* linked_values(std::string_view file,
                                                      const std::string& key) const;
  std::vector<const std::vector<sync::StoredValue>*> linked_siblings(
      std::string_view file, const std::string& parent_key) const;
  std::optional<std::pair<Date, CaseType>> bail_arrest(const std::string& ref) const;

 private:
  // Phase 1: the files (read.cpp) --------------------------------------------------------------

  bool read_files();
  template <class Spec>
  void add_table();
  void add_table(std::string_view file, std::span<const std::string_view> columns,
                 std::size_t required_columns, std::span<const ColumnField> fields);

  // Why a file could not be read.
  struct Unreadable {
    std::string reason;
  };

  static std::variant<std::string, Unreadable> read_whole(const FileDescriptor& file,
                                                          int open_error);
  static void match_header(Table& table, const base::CsvRecord& header);
  Table* table(std::string_view file);

  // Phase 2a: what the database holds (load.cpp) -----------------------------------------------

  void load_database();
  template <class Fields>
  void load_records(StoredByRef<Fields>& stored);
  void load_assessments();
  void load_plans();
  void load_visits();

  // Phase 2b: checking every row (check.cpp, check_records.cpp, check_facts.cpp) ---------------

  // Calls check(row) for each data row that is not entirely empty (spreadsheets export trailing
  // ",,,," lines). A row with the wrong number of fields is reported here; check() must still
  // note the keys such a row defines (so rows that refer to it are not reported too) and then
  // skip it: see Row::checkable.
  template <class Check>
  void for_each_row(Table& t, Check check) {
    auto& counts = result_.counts[t.file];
    progress_.stage("checking " + t.file, static_cast<std::int64_t>(t.rows.size()));
    std::int64_t done = 0;
    for (const auto& record : t.rows) {
      progress_.update(++done);
      bool blank = std::all_of(record.fields.begin(), record.fields.end(),
                               [](const std::string& field) { return trim(field).empty(); });
      if (blank) continue;
      ++counts.rows;
      Row row(t, record, clock_);
      if (t.header_ok && record.fields.size() != t.header_width) {
        row.problem("this row has " + std::to_string(record.fields.size()) +
                    " fields but the header has " + std::to_string(t.header_width));
      }
      check(row);
    }
  }
  // for_each_row over the rows that can be checked (Row::checkable), for a file whose rows define
  // no key that others refer to.
  template <class Check>
  void for_each_checkable_row(Table& t, Check check) {
    for_each_row(t, [&](Row& row) {
      if (row.checkable()) check(row);
    });
  }

  void check_all();
  bool known_officer(const std::string& username) const;
  bool known_team(const std::string& name) const;
  bool known_nominal(const std::string& ref) const;
  // Whether the nominal has an assessment on that date, recorded or in this import.
  bool known_assessment(const std::string& nominal_ref, const std::string& assessed_on) const;
  std::string officer_id_for_comparison(const std::string& username) const;
  const std::string* stored_nominal_id(const std::string& ref) const;
  void check_officer_reference(Row& row, std::size_t column, const std::string& username);
  void check_team_reference(Row& row, std::size_t column, const std::optional<std::string>& name);
  // The nominal's ref in this column, reported unless it is a known nominal's.
  std::optional<std::string> check_nominal_reference(Row& row, std::size_t column);
  // A nominal's, suspect's or bail case's ref (once in the file), surname and forenames.
  struct Person {
    std::optional<std::string> ref, surname, forenames;
  };
  Person check_person(Row& row, std::unordered_map<std::string, int>& seen, std::size_t ref,
                      std::size_t surname, std::size_t forenames);
  // Who keeps a record: the officer (empty: none) and the team, each known.
  struct Keeper {
    std::optional<std::string> officer, team;
  };
  Keeper check_keeper(Row& row, std::size_t officer, std::size_t team);
  std::vector<std::string> check_attendees(Row& row, std::size_t column);

  void check_officers(Table& t);
  void check_nominals(Table& t);
  void check_suspects(Table& t);
  void check_bail(Table& t);
  // The team, by name, of the suspect with this ref as this import leaves it; nullopt: none such.
  std::optional<std::string> team_of_suspect(const std::string& ref) const;

  // A fact (`what`: an assessment, a plan, a visit) is in its file once for its nominal and time,
  // and a nominal already stored holds no different one at that time (`why`: facts are never
  // replaced). facts() makes what is compared with the stored facts.
  template <class Facts, class MakeFacts, class Describe>
  void check_fact(Row& row, std::unordered_map<std::string, int>& seen,
                  const std::string& nominal_ref, const std::string& when,
                  const FactsByKey<Facts>& stored, MakeFacts facts, Describe what,
                  std::string_view why);
  template <class Facts>
  const Facts* recorded_fact(const FactsByKey<Facts>& stored, const std::string& nominal_ref,
                             const std::string& when) const;
  void check_assessments(Table& t);
  void check_plans(Table& t);
  void check_visits(Table& t);

  // Linked files (linked.cpp) ------------------------------------------------------------------

  // A record of a linked file: stored (with its id), or new in this import (id "" until written).
  struct LinkedRecord {
    std::string id;
    std::string parent_key;
    std::vector<sync::StoredValue> values;  // a row's, column by column; officers by username
    bool changed = false;                   // a stored record a row of this import changes
    // A record kept by a team that a row moves to another: the team it leaves, by name, so the
    // old team's tablets drop it (and what hangs from it) and the new team's receive it whole.
    std::optional<std::string> previous_team;
  };
  void load_linked();
  std::unordered_map<std::string, std::string> parent_keys(Parent parent);
  bool known_parent(Parent parent, const std::string& key);
  void check_linked(Table& t, const LinkedFile& spec);
  std::string parent_id(Parent parent, const std::string& key);
  void write_linked(const LinkedFile& spec);

  void collect_problems();  // import.cpp

  // Phase 3: writing (write.cpp, write_records.cpp, write_facts.cpp) ---------------------------

  void write_all();
  // The progress's stage for writing a file's rows, and the file's counts, which the writing adds
  // to.
  ImportCounts& begin_writing(std::string_view file, std::size_t rows);
  std::string team_id(const std::string& name);
  std::optional<std::string> officer_id(const std::string& username) const;
  const std::string& nominal_id(const std::string& ref) const;
  void write_audit();

  template <class Fields>
  void write_records(const char* entity, std::string_view file,
                     std::vector<RecordRow<Fields>>& rows, StoredByRef<Fields>& stored);
  void write_officers();
  void write_nominals();
  void write_suspects();
  void write_bail();

  template <class Facts>
  static bool add_fact(FactsByKey<Facts>& stored, const std::string& key, const Facts& facts);
  template <class Record, class Facts, class DatedFacts>
  void write_facts(const char* entity, std::string_view file, const std::vector<Record>& rows,
                   FactsByKey<Facts>& stored, std::string_view insert, DatedFacts dated_facts);
  void write_assessments();
  void write_plans();
  void write_visits();

  store::Database& db_;
  std::filesystem::path dir_;
  FileDescriptor dir_fd_;    // the folder, opened once: every file is opened relative to it
  bool unreadable_ = false;  // a file in it could not be read
  std::vector<sync::BackOfficeWrite> written_records_;  // logged for the tablets
  base::Progress& progress_;
  Clock clock_;
  ImportResult result_;
  std::vector<Table> tables_;

  // What the database holds, kept current as rows are written.
  std::unordered_map<std::string, std::string> team_ids_;       // by name
  std::unordered_map<std::string, StoredOfficer> officers_;     // by username
  std::set<std::pair<std::string, std::string>> supervisions_;  // (team id, officer id)
  StoredByRef<NominalFields> nominals_;
  StoredByRef<SuspectFields> suspects_;
  StoredByRef<BailFields> bail_cases_;
  FactsByKey<AssessmentFacts> assessments_;
  FactsByKey<PlanFacts> plans_;
  FactsByKey<VisitFacts> visits_;

  // Names the files define, so rows of later files may refer to them.
  std::unordered_set<std::string> new_usernames_;
  std::unordered_set<std::string> new_teams_;
  std::unordered_set<std::string> new_nominal_refs_;
  std::unordered_set<std::string> new_bail_refs_;
  // The keys each linked file's rows define, problems or not (an order, a young person).
  std::map<std::string_view, std::unordered_set<std::string>, std::less<>> defined_;

  // The linked files' records by file, then by key (linked.hpp); and the keys of each file's
  // rows that passed every check, in file order, with their lines.
  std::map<std::string_view, std::unordered_map<std::string, LinkedRecord>, std::less<>> linked_;
  std::map<std::string_view, std::vector<std::pair<std::string, int>>, std::less<>> linked_rows_;
  // The records of a linked file by their parent's key, made once its rows are all read (the
  // rules ask for a record's siblings once per row).
  std::map<std::string_view,
           std::unordered_map<std::string, std::vector<const std::vector<sync::StoredValue>*>>,
           std::less<>>
      linked_by_parent_;

  // Rows that passed every check, in file order.
  std::vector<OfficerRow> officer_rows_;
  std::vector<RecordRow<NominalFields>> nominal_rows_;
  std::vector<AssessmentRow> assessment_rows_;
  std::vector<PlanRow> plan_rows_;
  std::vector<VisitRow> visit_rows_;
  std::vector<RecordRow<SuspectFields>> suspect_rows_;
  std::vector<RecordRow<BailFields>> bail_rows_;
  std::unordered_map<std::string, std::size_t> bail_row_by_ref_;  // ref -> its place in bail_rows_

  std::optional<store::Statement> insert_team_;
  int teams_created_ = 0;
  bool written_ = false;
};

}  // namespace vigil::backoffice::import_detail
