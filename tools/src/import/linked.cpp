// The linked files of `vigil import` (linked.hpp): described once each, then loaded, checked,
// compared and written by one code path over the sync entity table (Importer, importer.hpp).
#include "import/linked.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "import/importer.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/rules/bail.hpp"
#include "vigil/rules/orders.hpp"
#include "vigil/rules/text.hpp"

namespace vigil::backoffice::import_detail {

namespace {

using sync::StoredValue;

// A value's text: a key's part, or a date or a word a rule reads. Null is "".
std::string text_of(const StoredValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<long long>(&value)) return std::to_string(*number);
  return {};
}

std::optional<Date> date_of(const StoredValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text != nullptr ? parse_date(*text) : std::nullopt;
}

std::string joined_key(const std::vector<StoredValue>& values, std::size_t count) {
  std::string key;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) key += kKeySeparator;
    key += text_of(values[i]);
  }
  return key;
}

// The rules each file's rows keep beyond their values' grammar (core/rules) ---------------------

std::optional<std::string> order_rule(const Importer&, const std::string&,
                                      const std::vector<StoredValue>& v) {
  // nominal_ref, kind, made_on, ends_on, court
  return order_period_problem(
      {*parse_enum<OrderKind>(text_of(v[1])), *date_of(v[2]), date_of(v[3])});
}

std::optional<std::string> condition_rule(const Importer& importer, const std::string& order_key,
                                          const std::vector<StoredValue>& v) {
  // nominal_ref, order_kind, order_made_on, text, foreign_travel, starts_on, ends_on, renewed_on
  const auto* order = importer.linked_values("orders.csv", order_key);
  if (order == nullptr) return std::nullopt;  // reported as an unknown order
  const OrderPeriod period{*parse_enum<OrderKind>(text_of((*order)[1])), *date_of((*order)[2]),
                           date_of((*order)[3])};
  return condition_period_problem(
      period, {date_of(v[5]), date_of(v[6]), std::get<long long>(v[4]) != 0, date_of(v[7])});
}

std::optional<std::string> address_rule(const Importer&, const std::string&,
                                        const std::vector<StoredValue>& v) {
  // nominal_ref, kind, line1, postcode, line2, town, area, from_date, to_date
  const auto from = date_of(v[7]);
  const auto to = date_of(v[8]);
  if (from && to && *to < *from) {
    return "to_date " + format_date(*to) + " is before from_date " + format_date(*from);
  }
  return std::nullopt;
}

std::optional<std::string> extension_rule(const Importer& importer, const std::string& bail_ref,
                                          const std::vector<StoredValue>& v) {
  // bail_ref, extended_to, authority, authorised_by, authorised_on, representations_considered
  const auto arrest = importer.bail_arrest(bail_ref);
  if (!arrest) return std::nullopt;  // reported as an unknown bail case
  const BailTimetable timetable = bail_timetable(arrest->first, arrest->second);
  const Date extended_to = *date_of(v[1]);
  std::vector<Date> others;
  for (const auto* other : importer.linked_siblings("bail_extensions.csv", bail_ref)) {
    if (const auto other_to = date_of((*other)[1])) others.push_back(*other_to);
  }
  const Date current_end = period_extended(timetable, others, extended_to);
  const auto decision =
      check_extension(timetable, {current_end, *parse_enum<BailAuthority>(text_of(v[2])),
                                  *date_of(v[4]), extended_to, std::get<long long>(v[5]) != 0});
  if (decision.valid) return std::nullopt;
  return decision.reason;
}

std::optional<std::string> referral_rule(const Importer&, const std::string&,
                                         const std::vector<StoredValue>& v) {
  // young_person, sent_on, agency, contact_name, concern, acknowledged_on, actioned_on,
  // feedback_on, officer
  const Date sent = *date_of(v[1]);
  for (const std::size_t c : {std::size_t{5}, std::size_t{6}, std::size_t{7}}) {
    if (const auto step = date_of(v[c]); step && *step < sent) {
      return std::string(c == 5   ? "acknowledged_on"
                         : c == 6 ? "actioned_on"
                                  : "feedback_on") +
             " " + format_date(*step) + " is before the referral was sent on " + format_date(sent);
    }
  }
  return std::nullopt;
}

// The files ---------------------------------------------------------------------------------

constexpr std::array<std::string_view, 9> kAddressColumns{
    "nominal_ref", "kind", "line1", "postcode", "line2", "town", "area", "from_date", "to_date"};

constexpr std::array<std::string_view, 5> kOrderColumns{"nominal_ref", "kind", "made_on", "ends_on",
                                                        "court"};
constexpr std::array<std::string_view, 1> kOrderPast{"made_on"};

constexpr std::array<std::string_view, 8> kConditionColumns{
    "nominal_ref",    "order_kind", "order_made_on", "text",
    "foreign_travel", "starts_on",  "ends_on",       "renewed_on"};
constexpr std::array<std::string_view, 1> kConditionPast{"renewed_on"};

constexpr std::array<std::string_view, 8> kActionColumns{
    "nominal_ref", "plan_started_on", "description",  "owner",
    "due_on",      "status",          "completed_on", "partner_agency"};
constexpr std::array<std::string_view, 1> kActionPast{"completed_on"};

constexpr std::array<std::string_view, 5> kRequirementColumns{
    "nominal_ref", "relevant_date", "disposal", "months", "age_at_relevant"};
constexpr std::array<std::string_view, 1> kRequirementPast{"relevant_date"};

constexpr std::array<std::string_view, 6> kExtensionColumns{
    "bail_ref",      "extended_to",   "authority",
    "authorised_by", "authorised_on", "representations_considered"};
constexpr std::array<std::string_view, 1> kExtensionPast{"authorised_on"};

constexpr std::array<std::string_view, 4> kBailConditionColumns{"bail_ref", "kind", "detail",
                                                                "victim_views"};

constexpr std::array<std::string_view, 3> kYoungPersonColumns{"number", "team", "home_area"};

constexpr std::array<std::string_view, 7> kEncounterColumns{
    "young_person",        "ref",    "occurred_at", "place", "criminal_exploitation",
    "sexual_exploitation", "markers"};
constexpr std::array<std::string_view, 1> kEncounterPast{"occurred_at"};

constexpr std::array<std::string_view, 9> kReferralColumns{
    "young_person",    "sent_on",     "agency",      "contact_name", "concern",
    "acknowledged_on", "actioned_on", "feedback_on", "officer"};
constexpr std::array<std::string_view, 4> kReferralPast{"sent_on", "acknowledged_on", "actioned_on",
                                                        "feedback_on"};

const std::array<LinkedFile, 10> kLinkedFiles{{
    {"addresses.csv", "address", Parent::nominal, kAddressColumns, 4, {}, address_rule},
    {"orders.csv", "order", Parent::nominal, kOrderColumns, 3, kOrderPast, order_rule},
    {"order_conditions.csv", "order_condition", Parent::order, kConditionColumns, 4, kConditionPast,
     condition_rule},
    {"plan_actions.csv", "plan_action", Parent::plan, kActionColumns, 3, kActionPast, nullptr},
    {"notification_requirements.csv", "notification_requirement", Parent::nominal,
     kRequirementColumns, 1, kRequirementPast, nullptr},
    {"bail_extensions.csv", "bail_extension", Parent::bail_case, kExtensionColumns, 2,
     kExtensionPast, extension_rule},
    {"bail_conditions.csv",
     "bail_condition",
     Parent::bail_case,
     kBailConditionColumns,
     3,
     {},
     nullptr},
    {"young_people.csv", "young_person", Parent::none, kYoungPersonColumns, 1, {}, nullptr},
    {"encounters.csv", "encounter", Parent::young_person, kEncounterColumns, 2, kEncounterPast,
     nullptr},
    {"safeguarding_referrals.csv", "safeguarding_referral", Parent::young_person, kReferralColumns,
     3, kReferralPast, referral_rule},
}};

const sync::EntitySpec& entity_of(const LinkedFile& spec) {
  const auto* entity = sync::find_entity(spec.entity);
  if (entity == nullptr) {
    throw Error(ErrorCode::internal, "import: no entity " + std::string(spec.entity));
  }
  return *entity;
}

// The field each column of the file fills, looked up once per file rather than once per cell.
std::vector<const sync::FieldSpec*> fields_of(const LinkedFile& spec) {
  std::vector<const sync::FieldSpec*> fields;
  for (const auto& column : column_fields(spec)) {
    fields.push_back(&sync::field_of(column.entity, column.field));
  }
  return fields;
}

bool holds_integer(const sync::FieldSpec& field) {
  return field.type == sync::FieldType::yes_no || field.type == sync::FieldType::integer;
}

}  // namespace

std::span<const LinkedFile> linked_files() {
  return kLinkedFiles;
}

std::span<const ColumnField> parent_key_fields(Parent parent) {
  static constexpr ColumnField kNominal[] = {{"nominal", "ref"}};
  static constexpr ColumnField kBailCase[] = {{"bail_case", "ref"}};
  static constexpr ColumnField kOrder[] = {
      {"nominal", "ref"}, {"order", "kind"}, {"order", "made_on"}};
  static constexpr ColumnField kPlan[] = {{"nominal", "ref"}, {"plan", "started_on"}};
  static constexpr ColumnField kYoungPerson[] = {{"young_person", "number"}};
  switch (parent) {
    case Parent::none:
      return {};
    case Parent::nominal:
      return kNominal;
    case Parent::bail_case:
      return kBailCase;
    case Parent::order:
      return kOrder;
    case Parent::plan:
      return kPlan;
    case Parent::young_person:
      return kYoungPerson;
  }
  return {};
}

std::size_t parent_width(Parent parent) {
  return parent_key_fields(parent).size();
}

std::vector<ColumnField> column_fields(const LinkedFile& spec) {
  const auto parent = parent_key_fields(spec.parent);
  std::vector<ColumnField> fields(parent.begin(), parent.end());
  for (std::size_t c = fields.size(); c < spec.columns.size(); ++c) {
    fields.push_back({spec.entity, spec.columns[c]});
  }
  return fields;
}

std::vector<std::string_view> import_files() {
  std::vector<std::string_view> files(kFileOrder.begin(), kFileOrder.end());
  for (const auto& spec : kLinkedFiles) files.push_back(spec.file);
  return files;
}

// Loading ------------------------------------------------------------------------------------

std::unordered_map<std::string, std::string> Importer::parent_keys(Parent parent) {
  std::unordered_map<std::string, std::string> keys;  // parent id -> key
  switch (parent) {
    case Parent::none:
      break;
    case Parent::young_person:
      for (const auto& [key, young_person] : linked_["young_people.csv"]) {
        keys.emplace(young_person.id, key);
      }
      break;
    case Parent::nominal:
      for (const auto& [ref, nominal] : nominals_) keys.emplace(nominal.id, ref);
      break;
    case Parent::bail_case:
      for (const auto& [ref, bail] : bail_cases_) keys.emplace(bail.id, ref);
      break;
    case Parent::order:
      for (const auto& [key, order] : linked_["orders.csv"]) keys.emplace(order.id, key);
      break;
    case Parent::plan: {
      auto plans = db_.prepare(
          "SELECT p.id, n.ref, p.started_on FROM plans p JOIN nominals n ON n.id = p.nominal_id");
      while (plans.step()) {
        keys.emplace(plans.column_text(0),
                     plans.column_text(1) + kKeySeparator + plans.column_text(2));
      }
      break;
    }
  }
  return keys;
}

void Importer::load_linked() {
  // Officers and teams as a file names them.
  std::unordered_map<std::string, std::string> names;  // officer or team id -> username or name
  for (const auto& [username, officer] : officers_) names.emplace(officer.id, username);
  for (const auto& [name, id] : team_ids_) names.emplace(id, name);
  for (const auto& spec : kLinkedFiles) {
    const auto& entity = entity_of(spec);
    const std::size_t width = parent_width(spec.parent);
    // The parent's column when there is a parent; the record's own columns from `first` on.
    std::string sql = "SELECT x.id";
    if (width > 0) sql += ", x." + std::string(entity.field(entity.parent_field)->column);
    const int first = width > 0 ? 2 : 1;
    const auto fields = fields_of(spec);
    for (std::size_t c = width; c < spec.columns.size(); ++c) {
      sql += ", x." + std::string(fields[c]->column);
    }
    auto select = db_.prepare(sql + " FROM " + std::string(entity.table) + " x ORDER BY x.rowid");
    const auto keys = parent_keys(spec.parent);
    auto& records = linked_[spec.file];
    while (select.step()) {
      std::string parent_key;
      if (width > 0) {
        const auto parent = keys.find(select.column_text(1));
        if (parent == keys.end()) continue;  // hangs from nothing a file names
        parent_key = parent->second;
      }
      LinkedRecord record{select.column_text(0), parent_key, {}, false, std::nullopt};
      // The parent's key, part by part, then the record's own values as a row would give them.
      std::string_view rest = parent_key;
      for (std::size_t c = 0; c < width; ++c) {
        const auto end = std::min(rest.find(kKeySeparator), rest.size());
        record.values.emplace_back(std::string(rest.substr(0, end)));
        rest.remove_prefix(std::min(end + 1, rest.size()));
      }
      for (std::size_t c = width; c < spec.columns.size(); ++c) {
        const auto& field = *fields[c];
        const int column = static_cast<int>(c - width) + first;
        if (select.is_null(column)) {
          record.values.emplace_back();
        } else if (holds_integer(field)) {
          record.values.emplace_back(static_cast<long long>(select.column_int(column)));
        } else if (field.type == sync::FieldType::officer || field.type == sync::FieldType::team) {
          const auto found = names.find(select.column_text(column));
          record.values.emplace_back(found != names.end() ? found->second
                                                          : select.column_text(column));
        } else {
          record.values.emplace_back(select.column_text(column));
        }
      }
      // Two stored records with one key (two tablets recorded the same): the first stands for it.
      records.emplace(joined_key(record.values, spec.key_columns), std::move(record));
    }
  }
}

// Checking -----------------------------------------------------------------------------------

bool Importer::known_parent(Parent parent, const std::string& key) {
  switch (parent) {
    case Parent::none:
      return true;
    case Parent::nominal:
      return known_nominal(key);
    case Parent::bail_case:
      return bail_cases_.count(key) != 0 || new_bail_refs_.count(key) != 0;
    case Parent::order:
      return linked_["orders.csv"].count(key) != 0 || defined_["orders.csv"].count(key) != 0;
    case Parent::young_person:
      return linked_["young_people.csv"].count(key) != 0 ||
             defined_["young_people.csv"].count(key) != 0;
    case Parent::plan: {
      const auto split = key.find(kKeySeparator);
      const std::string ref = key.substr(0, split);
      const std::string started_on = key.substr(split + 1);
      if (const auto* id = stored_nominal_id(ref);
          id != nullptr && plans_.count(fact_key(*id, started_on)) != 0) {
        return true;
      }
      return std::any_of(plan_rows_.begin(), plan_rows_.end(), [&](const PlanRow& row) {
        return row.nominal_ref == ref && row.started_on == started_on;
      });
    }
  }
  return false;
}

void Importer::check_linked(Table& t, const LinkedFile& spec) {
  const auto& entity = entity_of(spec);
  const std::size_t width = parent_width(spec.parent);
  std::unordered_map<std::string, int> seen;
  auto& records = linked_[spec.file];
  auto& rows = linked_rows_[spec.file];
  for_each_row(t, [&](Row& row) {
    // A row with a problem still defines its record (an order, a young person), so the rows
    // naming it are not reported too.
    std::string defined;
    for (std::size_t c = 0; c < spec.key_columns; ++c) {
      defined += (c > 0 ? std::string(1, kKeySeparator) : std::string()) + std::string(row[c]);
    }
    defined_[spec.file].insert(std::move(defined));
    if (!row.checkable()) return;
    std::vector<StoredValue> values;
    for (std::size_t c = 0; c < spec.columns.size(); ++c) {
      auto value = row.read(c);
      if (!value) {
        values.emplace_back();
        continue;
      }
      const bool past = std::find(spec.past_dates.begin(), spec.past_dates.end(),
                                  spec.columns[c]) != spec.past_dates.end();
      const auto& field = *t.fields[c];
      const bool future = field.type == sync::FieldType::instant
                              ? parse_instant(text_of(*value)).value_or(clock_.now) > clock_.now
                              : date_of(*value).value_or(clock_.today) > clock_.today;
      if (past && future) {
        row.problem(row.label(c) + " " + in_quotes(row[c]) + " is in the future");
      }
      if (c >= width && field.type == sync::FieldType::officer) {
        check_officer_reference(row, c, text_of(*value));
      }
      if (c >= width && field.type == sync::FieldType::team) {
        check_team_reference(row, c, text_of(*value));
      }
      values.push_back(std::move(*value));
    }
    if (!row.ok()) return;
    const std::string parent_key = joined_key(values, width);
    if (!known_parent(spec.parent, parent_key)) {
      std::string named;
      for (std::size_t c = 0; c < width; ++c) {
        named += (c == 0           ? ""
                  : c + 1 == width ? " and "
                                   : ", ") +
                 row.label(c) + " " + in_quotes(text_of(values[c]));
      }
      row.problem(named + " name" + (width == 1 ? "s" : "") + " no " +
                  (spec.parent == Parent::nominal     ? "known nominal"
                   : spec.parent == Parent::bail_case ? "known bail case"
                   : spec.parent == Parent::order     ? "order known in the database or orders.csv"
                   : spec.parent == Parent::plan      ? "plan known in the database or plans.csv"
                                                      : "young person known in the database or "
                                                        "young_people.csv"));
      return;
    }
    const std::string key = joined_key(values, spec.key_columns);
    // "a bail extension with bail_ref 'B1' and extended_to '2024-03-01'"
    const auto described = [&] {
      std::string named;
      for (std::size_t c = 0; c < spec.key_columns; ++c) {
        named += (c == 0                      ? ""
                  : c + 1 == spec.key_columns ? " and "
                                              : ", ") +
                 row.label(c) + " " + in_quotes(text_of(values[c]));
      }
      return sync::article(entity.name) + " with " + named;
    };
    row.unique(seen, key, described);
    if (!row.ok()) return;
    auto found = records.find(key);
    if (found == records.end()) {
      records.emplace(key, LinkedRecord{{}, parent_key, std::move(values), true, std::nullopt});
    } else if (found->second.values != values) {
      if (!entity.mutable_record) {
        row.problem(described() +
                    " is already recorded with different details; it is a fact, never replaced");
        return;
      }
      for (std::size_t c = 0; c < values.size(); ++c) {
        if (t.fields[c]->type == sync::FieldType::team && values[c] != found->second.values[c] &&
            !found->second.previous_team) {
          found->second.previous_team = text_of(found->second.values[c]);
        }
      }
      found->second.values = std::move(values);
      found->second.changed = true;
    }
    rows.push_back({key, row.line()});
  });
  if (spec.rule == nullptr) return;
  // Every row read: a rule sees the row's siblings, whichever line they are on.
  auto& by_parent = linked_by_parent_[spec.file];
  for (const auto& [key, record] : records) by_parent[record.parent_key].push_back(&record.values);
  for (const auto& [key, line] : rows) {
    const auto& record = records.at(key);
    if (auto problem = spec.rule(*this, record.parent_key, record.values)) {
      t.problems.push_back({t.file, line, std::move(*problem)});
    }
  }
}

const std::vector<StoredValue>* Importer::linked_values(std::string_view file,
                                                        const std::string& key) const {
  const auto records = linked_.find(file);
  if (records == linked_.end()) return nullptr;
  const auto found = records->second.find(key);
  return found != records->second.end() ? &found->second.values : nullptr;
}

std::vector<const std::vector<StoredValue>*> Importer::linked_siblings(
    std::string_view file, const std::string& parent_key) const {
  const auto records = linked_by_parent_.find(file);
  if (records == linked_by_parent_.end()) return {};
  const auto siblings = records->second.find(parent_key);
  return siblings != records->second.end() ? siblings->second
                                           : std::vector<const std::vector<StoredValue>*>{};
}

std::optional<std::pair<Date, CaseType>> Importer::bail_arrest(const std::string& ref) const {
  const auto arrest = [](const BailFields& fields) -> std::optional<std::pair<Date, CaseType>> {
    const auto arrested_on = parse_date(fields.arrested_on);
    const auto case_type = parse_enum<CaseType>(fields.case_type);
    if (!arrested_on || !case_type) return std::nullopt;
    return std::pair{*arrested_on, *case_type};
  };
  if (const auto row = bail_row_by_ref_.find(ref); row != bail_row_by_ref_.end()) {
    return arrest(bail_rows_[row->second].fields);
  }
  const auto stored = bail_cases_.find(ref);
  return stored != bail_cases_.end() ? arrest(stored->second.fields) : std::nullopt;
}

// Writing ------------------------------------------------------------------------------------

std::string Importer::parent_id(Parent parent, const std::string& key) {
  switch (parent) {
    case Parent::none:
      return {};
    case Parent::young_person:
      return linked_["young_people.csv"].at(key).id;
    case Parent::nominal:
      return nominal_id(key);
    case Parent::bail_case:
      return bail_cases_.at(key).id;
    case Parent::order:
      return linked_["orders.csv"].at(key).id;
    case Parent::plan: {
      const auto split = key.find(kKeySeparator);
      auto plan = db_.prepare(
          "SELECT id FROM plans WHERE nominal_id = ? AND started_on = ? ORDER BY rowid LIMIT 1");
      plan.bind_all(nominal_id(key.substr(0, split)), key.substr(split + 1));
      if (!plan.step()) {
        throw Error(ErrorCode::internal, "import: a plan was checked but not written", key);
      }
      return plan.column_text(0);
    }
  }
  return {};
}

void Importer::write_linked(const LinkedFile& spec) {
  const auto rows = linked_rows_.find(spec.file);
  if (rows == linked_rows_.end() || rows->second.empty()) return;
  const auto& entity = entity_of(spec);
  const std::size_t width = parent_width(spec.parent);
  std::string columns = "id";
  std::string marks = "?";
  if (width > 0) {
    columns += ", " + std::string(entity.field(entity.parent_field)->column);
    marks += ", ?";
  }
  std::string sets;
  const auto fields = fields_of(spec);
  for (std::size_t c = width; c < spec.columns.size(); ++c) {
    const std::string column(fields[c]->column);
    columns += ", " + column;
    marks += ", ?";
    if (c >= spec.key_columns) sets += (sets.empty() ? "" : ", ") + column + " = ?";
  }
  const std::string table(entity.table);
  auto insert = db_.prepare("INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")");
  std::optional<store::Statement> update;
  if (!sets.empty())
    update.emplace(db_.prepare("UPDATE " + table + " SET " + sets + " WHERE id = ?"));
  // A value as its column holds it: an officer or a team by id.
  const auto stored = [&](std::size_t c, const StoredValue& value) -> StoredValue {
    const auto type = fields[c]->type;
    if (type == sync::FieldType::team) return team_id(text_of(value));
    if (type != sync::FieldType::officer) return value;
    const auto id = officer_id(text_of(value));
    return id ? StoredValue{*id} : StoredValue{};
  };
  auto& count = begin_writing(spec.file, rows->second.size());
  std::int64_t done = 0;
  auto& records = linked_[spec.file];
  for (const auto& [key, line] : rows->second) {
    progress_.update(++done);
    auto& record = records.at(key);
    if (record.id.empty()) {
      record.id = base::make_uuid();
      int index = 0;
      insert.bind(++index, record.id);
      if (width > 0) insert.bind(++index, parent_id(spec.parent, record.parent_key));
      for (std::size_t c = width; c < spec.columns.size(); ++c) {
        sync::bind_stored(insert, ++index, stored(c, record.values[c]));
      }
      insert.run();
      written_records_.push_back({std::string(spec.entity), record.id, true, std::nullopt});
      ++count.inserted;
    } else if (record.changed && update) {
      int index = 0;
      for (std::size_t c = spec.key_columns; c < spec.columns.size(); ++c) {
        sync::bind_stored(*update, ++index, stored(c, record.values[c]));
      }
      update->bind(++index, record.id);
      update->run();
      std::optional<std::string> previous_team_id;
      if (record.previous_team) {
        if (const auto team = team_ids_.find(*record.previous_team); team != team_ids_.end()) {
          previous_team_id = team->second;
        }
      }
      written_records_.push_back({std::string(spec.entity), record.id, false, previous_team_id});
      ++count.updated;
    } else {
      ++count.unchanged;
      continue;
    }
    record.changed = false;  // a key listed twice is a problem, but never written twice
    written_ = true;
  }
}

}  // namespace vigil::backoffice::import_detail
