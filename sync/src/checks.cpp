#include "checks.hpp"

#include <algorithm>
#include <vector>

#include "record_steps.hpp"

#include "vigil/base/ids.hpp"
#include "vigil/rules/bail.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/text.hpp"

namespace vigil::sync {

std::string table_of(std::string_view entity) {
  if (entity == "conflict") return "conflicts";
  const auto* spec = find_entity(entity);
  return spec ? std::string(spec->table) : std::string();
}

namespace {

bool row_exists(store::Database& db, std::string_view table, const std::string& id) {
  if (table.empty()) return false;
  auto& s = db.cached("SELECT 1 FROM " + std::string(table) + " WHERE id = ?");
  s.bind_all(id);
  const bool found = s.step();
  s.reset();
  return found;
}

}  // namespace

bool record_exists(store::Database& db, std::string_view entity, const std::string& id) {
  return row_exists(db, table_of(entity), id);
}

bool record_exists(store::Database& db, const EntitySpec& spec, const std::string& id) {
  return row_exists(db, spec.table, id);
}

// "plan_action" as a person reads it: "plan action".
std::string noun(std::string_view entity) {
  std::string out;
  for (char c : entity) out += c == '_' ? ' ' : c;
  return out;
}

std::string article(std::string_view entity) {
  const bool vowel =
      !entity.empty() && std::string_view("aeiou").find(entity[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + noun(entity);
}

std::optional<RootRecord> root_of(store::Database& db, std::string_view entity,
                                  const std::string& id, int depth) {
  if (depth > 4) return std::nullopt;
  if (entity == "conflict") {
    auto& s = db.cached("SELECT entity, entity_id FROM conflicts WHERE id = ?");
    s.bind_all(id);
    if (!s.step()) return std::nullopt;
    const std::string entity_name = s.column_text(0), entity_id = s.column_text(1);
    s.reset();
    return root_of(db, entity_name, entity_id, depth + 1);
  }
  const auto* spec = find_entity(entity);
  if (spec == nullptr || spec->table.empty() || spec->force_wide()) return std::nullopt;
  if (!spec->team_column.empty()) {
    auto& s = db.cached("SELECT " + std::string(spec->team_column) + " FROM " +
                        std::string(spec->table) + " WHERE id = ?");
    s.bind_all(id);
    std::optional<RootRecord> root;
    if (s.step()) root = RootRecord{std::string(spec->name), id, s.column_text(0)};
    s.reset();
    return root;
  }
  const auto* parent = spec->field(spec->parent_field);
  auto& s = db.cached("SELECT " + std::string(parent->column) + " FROM " +
                      std::string(spec->table) + " WHERE id = ?");
  s.bind_all(id);
  const auto parent_id = s.step() ? s.column_optional_text(0) : std::nullopt;
  s.reset();
  if (!parent_id) return std::nullopt;
  return root_of(db, parent->references, *parent_id, depth + 1);
}

std::optional<std::string> team_of(store::Database& db, std::string_view entity,
                                   const std::string& id) {
  auto root = root_of(db, entity, id);
  if (!root) return std::nullopt;
  return std::move(root->team);
}

namespace {

// The value of the parent column of the record `id` of `spec` (the nominal a visit is of, the
// order a condition is of); nullopt when there is no such record.
std::optional<std::string> parent_of(store::Database& db, const EntitySpec& spec,
                                     const std::string& id) {
  const FieldSpec* parent = spec.field(spec.parent_field);
  if (parent == nullptr) return std::nullopt;
  auto& s = db.cached("SELECT " + std::string(parent->column) + " FROM " + std::string(spec.table) +
                      " WHERE id = ?");
  s.bind_all(id);
  auto found = s.step() ? s.column_optional_text(0) : std::nullopt;
  s.reset();
  return found;
}

// Why a new record's reference to another record crosses to a record it may not name, if it does: a
// record a change names beside its parent hangs from the same record the change does (a failed
// entry's visit is a visit of the same nominal; a breach's order an order of that nominal, and
// its condition a condition of that order). Otherwise one push could tie a record of one team to
// another team's, which neither team's tablets could then store.
std::optional<std::string> crossing_reference(store::Database& db, const EntitySpec& spec,
                                              const Change& change, const FieldSpec& field,
                                              const std::string& value) {
  const EntitySpec* target = find_entity(field.references);
  if (target == nullptr || target->parent_field.empty()) return std::nullopt;
  const FieldSpec* target_parent = target->field(target->parent_field);
  // The field of this change that names the same kind of record as the target's parent.
  for (const auto& mine : spec.fields) {
    if (&mine == &field || mine.type != FieldType::reference ||
        mine.references != target_parent->references) {
      continue;
    }
    const auto given = change.fields.find(std::string(mine.name));
    if (given == change.fields.end() || !given->second) continue;
    if (parent_of(db, *target, value) != *given->second) {
      return std::string(field.name) + ": " + article(target->name) + " with id " + value +
             " is not one of this " + noun(mine.references) + "'s";
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

const ParsedField* ParsedChange::find(const FieldSpec* field) const {
  for (const auto& f : fields) {
    if (f.spec == field) return &f;
  }
  return nullptr;
}

ParsedChange parse_change(store::Database& db, Names& names, const Change& change, Role role,
                          std::string_view author_id, bool on_server) {
  ParsedChange parsed;
  parsed.change = &change;
  parsed.author_id = author_id;
  parsed.on_server = on_server;
  auto reject = [&](std::string why) {
    parsed.reason = std::move(why);
    return parsed;
  };
  if (!base::is_uuid(change.change_id)) return reject("change_id must be a UUID");
  const EntitySpec* spec = find_entity(change.entity);
  parsed.spec = spec;
  if (spec == nullptr)
    return reject("'" + quoted_excerpt(change.entity) + "' is not a kind of record Vigil syncs");
  if (spec->back_office) {
    parsed.role_refused = true;  // no role may: refused (and audited) as a role's refusal
    return reject(article(spec->name) +
                  " is kept by the back office: no device creates or "
                  "changes one");
  }
  if (!base::is_uuid(change.entity_id)) return reject("entity_id must be a UUID");
  const auto stamp = parse_stamp(change.clock);
  if (!stamp)
    return reject("clock '" + quoted_excerpt(change.clock) +
                  "' is not a hybrid logical clock stamp");
  parsed.stamp = *stamp;
  if (spec->mutable_record ? change.operation == Operation::append
                           : change.operation != Operation::append) {
    return reject(spec->mutable_record
                      ? article(spec->name) + " is created and updated, not appended"
                      : article(spec->name) + " is a record of fact: it can only be appended");
  }
  const bool creating = change.operation != Operation::update;
  parsed.creating = creating;
  if (creating && spec->supervisor_creates && role == Role::officer) {
    parsed.role_refused = true;
    return reject("only a supervisor may create " + article(spec->name));
  }
  if (creating && !change.base.empty()) return reject("base belongs to updates only");
  if (change.fields.empty()) return reject("the change has no fields");

  // Every field: known, editable by this role, and a good value.
  parsed.fields.reserve(change.fields.size());
  for (const auto& [name, value] : change.fields) {
    const FieldSpec* field = spec->field(name);
    if (field == nullptr)
      return reject("'" + quoted_excerpt(name) + "' is not a field of " + article(spec->name));
    std::optional<std::string> base_value;
    if (!creating) {
      if (field->editor == Editor::nobody) {
        return reject(name + " cannot be changed once recorded");
      }
      if (field->editor == Editor::supervisor && role == Role::officer) {
        parsed.role_refused = true;
        return reject("only a supervisor may change " + name);
      }
      const auto base_given = change.base.find(name);
      if (base_given == change.base.end()) {
        return reject("the update of " + name + " has no base value");
      }
      base_value = base_given->second;
    }
    auto converted = to_stored(*field, value, names);
    if (converted.error) return reject(std::move(*converted.error));
    const bool parent =
        on_server && creating && spec->team_column.empty() && name == spec->parent_field;
    if (field->type == FieldType::reference && value && !parent &&
        !record_exists(db, field->references, *value)) {
      return reject(name + ": there is no " + noun(field->references) + " with id " + *value);
    }
    if (field->type == FieldType::reference && value && name != spec->parent_field) {
      if (auto crossing = crossing_reference(db, *spec, change, *field, *value)) {
        return reject(std::move(*crossing));
      }
    }
    parsed.fields.push_back({field, value, std::move(base_value), std::move(converted.stored),
                             std::move(converted.attendee_ids)});
  }
  for (const auto& [name, value] : change.base) {
    if (spec->field(name) == nullptr || change.fields.find(name) == change.fields.end()) {
      return reject("base names '" + quoted_excerpt(name) + "', which the update does not change");
    }
  }
  if (creating) {
    for (const auto& field : spec->fields) {
      if (field.required && parsed.find(&field) == nullptr) {
        return reject(std::string(field.name) + " is required for " + article(spec->name));
      }
    }
  }
  if (!on_server) {
    if (auto why = record_checks(db, names, parsed)) return reject(std::move(*why));
  }
  return parsed;
}

std::string schema_refusal(std::string_view entity, std::string_view sqlite_message) {
  const EntitySpec* spec = find_entity(entity);
  // "UNIQUE constraint failed: nominals.ref, ...": the fields named after the rule's words, by
  // the entity's own names for its table's columns. A rule of another table (a copy kept for the
  // reports) names none of the record's fields.
  const auto fields_after = [&](std::string_view words) {
    std::string named;
    const auto at = sqlite_message.find(words);
    if (at == std::string_view::npos || spec == nullptr) return named;
    std::string_view rest = sqlite_message.substr(at + words.size());
    while (!rest.empty()) {
      const auto comma = rest.find(", ");
      const std::string_view column = rest.substr(0, comma);
      const auto dot = column.find('.');
      if (dot == std::string_view::npos || column.substr(0, dot) != spec->table) return named;
      for (const auto& field : spec->fields) {
        if (field.column != column.substr(dot + 1)) continue;
        named += (named.empty() ? "" : " and ") + std::string(field.name);
      }
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 2);
    }
    return named;
  };
  const auto is = [](const std::string& named) {
    return named.find(" and ") == std::string::npos ? " is " : " are ";
  };
  const std::string what = article(entity);
  if (sqlite_message.find("UNIQUE constraint failed") != std::string_view::npos) {
    const std::string named = fields_after("UNIQUE constraint failed: ");
    return named.empty() ? what + " like it is already recorded"
                         : named + is(named) + "already another " + noun(entity) + "'s";
  }
  if (sqlite_message.find("NOT NULL constraint failed") != std::string_view::npos) {
    const std::string named = fields_after("NOT NULL constraint failed: ");
    return named.empty() ? "a value " + what + " needs is missing" : named + is(named) + "required";
  }
  if (sqlite_message.find("FOREIGN KEY constraint failed") != std::string_view::npos) {
    return "a record " + what + " names does not exist";
  }
  return "a value is not one " + what + " may hold";
}

std::optional<std::string> record_checks(store::Database& db, Names& names, ParsedChange& parsed) {
  const EntitySpec& spec = *parsed.spec;
  if (spec.record_steps == nullptr || spec.record_steps->check == nullptr) return std::nullopt;
  return spec.record_steps->check(db, names, parsed);
}

namespace {

std::optional<std::string> check_bail_case(store::Database& db, Names&, ParsedChange& change) {
  const ParsedField* suspect = change.find("suspect_id");
  if (suspect == nullptr || !std::holds_alternative<std::string>(suspect->stored)) {
    return std::nullopt;
  }
  const ParsedField* team = change.find("team");
  const std::optional<std::string> case_team =
      team != nullptr && std::holds_alternative<std::string>(team->stored)
          ? std::optional(team->stored_text())
          : store::single_text(db, "SELECT team_id FROM bail_cases WHERE id = ?",
                               change.change->entity_id);
  const auto suspect_team =
      store::single_text(db, "SELECT team_id FROM suspects WHERE id = ?", suspect->stored_text());
  if (case_team && suspect_team == case_team) return std::nullopt;
  return "suspect_id: the suspect with id " + suspect->stored_text() +
         " is not one of this bail case's team";
}

}  // namespace

const RecordSteps kBailCaseSteps{.check = check_bail_case};

namespace {

std::optional<std::string> check_suspect(store::Database& db, Names&, ParsedChange& change) {
  const ParsedField* status = change.find("status");
  if (status == nullptr || !std::holds_alternative<std::string>(status->stored) ||
      status->stored_text() != "closed") {
    return std::nullopt;
  }
  auto& open = db.cached(
      "SELECT count(*), (SELECT status FROM suspects WHERE id = ?1) FROM suspect_actions WHERE "
      "suspect_id = ?1 AND status = 'open'");
  open.bind_all(change.change->entity_id);
  open.step();
  const auto open_actions = static_cast<int>(open.column_int(0));
  const bool already_closed = open.column_view(1) == "closed";
  open.reset();
  if (already_closed) return std::nullopt;
  const ParsedField* reason = change.find("close_reason");
  return check_suspect_close(open_actions,
                             reason != nullptr && reason->text && !is_blank(*reason->text));
}

}  // namespace

const RecordSteps kSuspectSteps{.check = check_suspect};

namespace {

// An action left open on a closed suspect would be work nobody is asked to do: a new one, or one
// set open again, needs the suspect reopened first. Closing an action, or changing one a
// supervisor closed the suspect over, is always allowed.
std::optional<std::string> check_suspect_action(store::Database& db, Names&, ParsedChange& change) {
  const ParsedField* status = change.find("status");
  const bool given = status != nullptr && std::holds_alternative<std::string>(status->stored);
  // A new action without a status is open, as the table's default makes it.
  const bool opens = given ? status->stored_text() == "open" : change.creating;
  if (!opens) return std::nullopt;
  const ParsedField* suspect = change.find("suspect_id");
  const std::string suspect_id =
      suspect != nullptr
          ? suspect->stored_text()
          : store::single_text(db, "SELECT suspect_id FROM suspect_actions WHERE id = ?",
                               change.change->entity_id)
                .value_or("");
  const auto ref = store::single_text(
      db, "SELECT ref FROM suspects WHERE id = ? AND status = 'closed'", suspect_id);
  if (!ref) return std::nullopt;
  return "the suspect " + *ref + " is closed: reopen the suspect before opening an action";
}

// A review is dated by the day it was made, never ahead: a review dated in the future would put
// the next one off and hide that it is due.
std::optional<std::string> check_suspect_review(store::Database&, Names&, ParsedChange& change) {
  const ParsedField* on = change.find("reviewed_on");
  if (on == nullptr || !std::holds_alternative<std::string>(on->stored)) return std::nullopt;
  const auto reviewed_on = parse_date(on->stored_text());
  const Date today = london_today();
  if (reviewed_on && *reviewed_on > today) {
    return "reviewed_on " + on->stored_text() + " is after today (" + format_date(today) +
           "): a review is dated the day it was made";
  }
  return std::nullopt;
}

}  // namespace

const RecordSteps kSuspectActionSteps{.check = check_suspect_action};
const RecordSteps kSuspectReviewSteps{.check = check_suspect_review};

namespace {

std::optional<std::string> check_bail_extension(store::Database& db, Names&, ParsedChange& change) {
  const ParsedField* bail_case = change.find("bail_case_id");
  const ParsedField* to = change.find("extended_to");
  const ParsedField* authority = change.find("authority");
  const ParsedField* on = change.find("authorised_on");
  const ParsedField* considered = change.find("representations_considered");
  if (bail_case == nullptr || to == nullptr || authority == nullptr || on == nullptr ||
      considered == nullptr) {
    return std::nullopt;  // reported as a required field missing
  }
  auto& arrest = db.cached("SELECT arrested_on, case_type FROM bail_cases WHERE id = ?");
  arrest.bind_all(bail_case->stored_text());
  if (!arrest.step()) {
    arrest.reset();
    return std::nullopt;  // reported as an unknown bail case
  }
  const auto arrested_on = parse_date(arrest.column_view(0));
  const auto case_type = parse_enum<CaseType>(arrest.column_view(1));
  arrest.reset();
  if (!arrested_on || !case_type) return std::nullopt;
  const BailTimetable timetable = bail_timetable(*arrested_on, *case_type);
  const Date extended_to = *parse_date(to->stored_text());
  std::vector<Date> others;
  auto& earlier = db.cached("SELECT extended_to FROM bail_extensions WHERE bail_case_id = ?");
  earlier.bind_all(bail_case->stored_text());
  while (earlier.step()) {
    if (const auto other = parse_date(earlier.column_view(0))) others.push_back(*other);
  }
  earlier.reset();
  const auto decision =
      check_extension(timetable, {period_extended(timetable, others, extended_to),
                                  *parse_enum<BailAuthority>(authority->stored_text()),
                                  *parse_date(on->stored_text()), extended_to,
                                  std::get<long long>(considered->stored) != 0});
  if (decision.valid) return std::nullopt;
  return decision.reason;
}

}  // namespace

const RecordSteps kBailExtensionSteps{.check = check_bail_extension};

namespace {

std::optional<std::string> check_follow_up(store::Database& db, Names&, ParsedChange& change) {
  const ParsedField* breach = change.find("breach_id");
  const ParsedField* at = change.find("followed_up_at");
  if (breach == nullptr || at == nullptr || !std::holds_alternative<std::string>(at->stored)) {
    return std::nullopt;
  }
  auto& occurred = db.cached("SELECT occurred_at FROM breaches WHERE id = ?");
  occurred.bind_all(breach->stored_text());
  std::optional<std::string> breach_at;
  if (occurred.step()) breach_at = occurred.column_text(0);
  occurred.reset();
  // Both instants are stored as UTC text of one form, so they compare as text.
  if (breach_at && at->stored_text() < *breach_at) {
    return "followed_up_at " + at->stored_text() + " is before the breach it follows up, at " +
           *breach_at;
  }
  return std::nullopt;
}

}  // namespace

const RecordSteps kBreachFollowUpSteps{.check = check_follow_up};

namespace {

std::optional<std::string> check_notification_requirement(store::Database& db, Names&,
                                                          ParsedChange& change) {
  const ParsedField* nominal = change.find("nominal_id");
  if (!change.creating || nominal == nullptr) return std::nullopt;
  auto& held = db.cached("SELECT id FROM notification_requirements WHERE nominal_id = ?");
  held.bind_all(nominal->stored_text());
  std::optional<std::string> existing;
  if (held.step()) existing = held.column_text(0);
  held.reset();
  if (!existing || *existing == change.change->entity_id) return std::nullopt;
  return "the nominal already has notification requirements (id " + *existing +
         "): change those instead";
}

}  // namespace

const RecordSteps kNotificationRequirementSteps{.check = check_notification_requirement};

}  // namespace vigil::sync

namespace vigil::sync {
namespace {

// The team of the record a review decision names, by the subject's own way to its team; nullopt
// when there is no such record here. A rejected change is kept only by the server (its changes
// log; a tablet's stays empty): a tablet has none to name.
std::optional<std::string> subject_team(store::Database& db, ReviewSubject subject,
                                        const std::string& id, bool on_server) {
  if (subject == ReviewSubject::change) {
    if (!on_server) return std::nullopt;
    return store::single_text(db,
                              "SELECT o.team_id FROM changes x JOIN officers o ON o.id = "
                              "x.officer_id WHERE x.change_id = ? AND x.outcome = 'rejected'",
                              id);
  }
  // The others are records of a nominal, in their entity's table: an action through its plan.
  const std::string nominal = subject == ReviewSubject::plan_action
                                  ? "(SELECT p.nominal_id FROM plans p WHERE p.id = x.plan_id)"
                                  : "x.nominal_id";
  return store::single_text(db,
                            "SELECT n.team_id FROM " +
                                std::string(find_entity(to_string(subject))->table) +
                                " x JOIN nominals n ON n.id = " + nominal + " WHERE x.id = ?",
                            id);
}

// Whose own work the record a review decision names is, by officer id: who recorded, attended
// or amended a visit; who made an assessment; who owns an action; who sent a rejected change;
// and, on the server, which keeps the changes log, who wrote any change to an assessment, plan or
// action since the last decision on it. A breach is the nominal's, nobody's work. A tablet does
// not know who wrote a plan: the server decides that.
std::vector<std::string> work_of(store::Database& db, ReviewSubject subject, const std::string& id,
                                 bool on_server) {
  // On the server: whoever changed the record since the last decision on it.
  const std::string wrote_since_decided =
      "SELECT c.officer_id FROM changes c WHERE c.entity = ?2 AND c.entity_id = ?1 AND "
      "c.officer_id IS NOT NULL AND c.outcome <> 'rejected' AND c.seq > coalesce((SELECT "
      "max(d.sync_seq) FROM review_decisions d WHERE d.subject_id = ?1 AND d.subject = ?2), 0)";
  const auto and_writers = [&](const std::string& sql) {
    return on_server ? sql + " UNION " + wrote_since_decided : sql;
  };
  const auto officers = [&](const std::string& sql) {
    auto& s = db.cached(sql);
    s.bind(1, id);
    if (sql.find("?2") != std::string::npos) s.bind(2, to_string(subject));
    std::vector<std::string> ids;
    while (s.step()) ids.push_back(s.column_text(0));
    s.reset();
    return ids;
  };
  switch (subject) {
    case ReviewSubject::visit:
      return officers(
          "SELECT recorded_by FROM visits WHERE id = ?1 AND recorded_by IS NOT NULL UNION SELECT "
          "officer_id FROM visit_attendees WHERE visit_id = ?1 AND present = 1 UNION SELECT "
          "amended_by FROM visit_amendments WHERE visit_id = ?1 AND amended_by IS NOT NULL");
    case ReviewSubject::assessment:
      return officers(and_writers(
          "SELECT assessor_id FROM assessments WHERE id = ?1 AND assessor_id IS NOT NULL"));
    case ReviewSubject::plan:
      return on_server ? officers(wrote_since_decided) : std::vector<std::string>();
    case ReviewSubject::plan_action:
      return officers(
          and_writers("SELECT owner_id FROM plan_actions WHERE id = ?1 AND owner_id IS NOT NULL"));
    case ReviewSubject::breach:
      return {};
    case ReviewSubject::change:
      return on_server ? officers(
                             "SELECT officer_id FROM changes WHERE change_id = ?1 AND officer_id "
                             "IS NOT NULL")
                       : std::vector<std::string>();
  }
  return {};
}

std::optional<std::string> check_review(store::Database& db, Names&, ParsedChange& change) {
  const ParsedField* subject = change.find("subject");
  const ParsedField* id = change.find("subject_id");
  const ParsedField* team = change.find("team");
  const ParsedField* decision = change.find("decision");
  if (subject == nullptr || id == nullptr || team == nullptr || decision == nullptr) {
    return std::nullopt;  // reported as a required field missing
  }
  const ParsedField* comment = change.find("comment");
  if (decision->stored_text() == to_string(ReviewDecision::returned) &&
      (comment == nullptr || !comment->text || is_blank(*comment->text))) {
    return std::string(
        "a decision that returns the record to the officer needs a comment "
        "saying what to do");
  }
  const auto kind = parse_enum<ReviewSubject>(subject->stored_text());
  const std::string& subject_id = id->stored_text();
  if (!base::is_uuid(subject_id)) return "subject_id must be a UUID";
  const auto of = subject_team(db, *kind, subject_id, change.on_server);
  const std::string what = *kind == ReviewSubject::change ? std::string("rejected change")
                                                          : noun(subject->stored_text());
  if (!of) return "subject_id: there is no " + what + " with id " + subject_id;
  if (*of != team->stored_text()) {
    return "subject_id: the " + what + " with id " + subject_id + " is not one of this team's";
  }
  // A review is of someone else's work: what a supervisor did themselves another decides.
  const auto authors = work_of(db, *kind, subject_id, change.on_server);
  if (std::find(authors.begin(), authors.end(), change.author_id) != authors.end()) {
    return "subject_id: the " + what + " with id " + subject_id +
           " is your own work: another supervisor of the team, or an administrator, reviews it";
  }
  return std::nullopt;
}

}  // namespace

const RecordSteps kReviewDecisionSteps{.check = check_review};

std::vector<std::string> authors_of_work(store::Database& db, ReviewSubject subject,
                                         const std::string& id) {
  return work_of(db, subject, id, true);
}

}  // namespace vigil::sync
