// A suspect's and a bail case's page at the desk: the whole record as a tablet of the team holds
// it, with what the law and the policy make of it (when bail ends and who may extend it, when the
// next review is due), so a supervisor records an extension, a review or a closing from there.
// Each read is audited with its reason; a record of another team is refused, audited.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "api_impl.hpp"
#include "vigil/base/json.hpp"
#include "vigil/rules/bail.hpp"
#include "vigil/store/policy_versions.hpp"
#include "vigil/sync/nominal_record.hpp"
#include "vigil/sync/replica.hpp"

namespace vigil::server {
namespace {

void write_records(base::JsonWriter& w, const char* name,
                   const std::vector<sync::FieldValues>& all) {
  w.key(name).begin_array();
  for (const auto& values : all) sync::write_record(w, values);
  w.end_array();
}

std::optional<Date> date_of(const sync::FieldValues& values, const std::string& field) {
  const auto it = values.find(field);
  return it == values.end() || !it->second ? std::nullopt : parse_date(*it->second);
}

// The latest of the records' dates in `field`.
std::optional<Date> latest(const std::vector<sync::FieldValues>& all, const std::string& field) {
  std::optional<Date> last;
  for (const auto& values : all) {
    const auto on = date_of(values, field);
    if (on && (!last || *on > *last)) last = on;
  }
  return last;
}

}  // namespace

// The record of `entity` (a suspect or a bail case) named by id or reference in the path, within
// the caller's teams, read in full with its records of `child_entities`. 404 when there is none;
// 403, audited, when it is another team's. The caller holds the snapshot the page reads in.
Api::Impl::CaseRecord Api::Impl::case_in_scope(
    const Call& call, std::string_view entity, std::string_view noun,
    std::initializer_list<std::string_view> child_entities) {
  const std::string table = entity == "suspect" ? "suspects" : "bail_cases";
  // An id names its record before a reference does: a record whose reference is another's id
  // never stands in for it.
  auto s = call.db->prepare("SELECT id, team_id FROM " + table +
                            " WHERE id = ?1 OR ref = ?1 ORDER BY id = ?1 DESC LIMIT 1");
  s.bind_all(call.id);
  if (!s.step()) {
    fail(404, "not_found", "there is no " + std::string(noun) + " with id or reference " + call.id);
  }
  std::string id = s.column_text(0);
  const std::string team = s.column_text(1);
  s.reset();
  const auto& teams = call.caller->team_ids;
  if (std::find(teams.begin(), teams.end(), team) == teams.end()) {
    refuse(*call.caller, call, 403, "forbidden",
           "the " + std::string(noun) + " belongs to a team outside yours", "read outside scope",
           std::string(entity), id);
  }
  sync::Replica replica(*call.db);
  CaseRecord found{
      id, replica.fields_of(std::string(entity), id).value_or(sync::FieldValues{}), {}};
  found.fields["id"] = id;  // a record's wire fields leave out its id
  for (const auto child : child_entities) {
    found.children.emplace(child, replica.children_of(std::string(child), id));
  }
  return found;
}

Response Api::Impl::suspect(const Call& call) {
  store::Database& db = *call.db;
  store::ReadSnapshot snapshot(db);  // the reads; their audit rows go through the queue
  const auto [id, suspect, children] =
      case_in_scope(call, "suspect", "suspect", {"suspect_action", "trace_enquiry"});
  const auto& actions = children.at("suspect_action");
  // The later of the review date kept on the suspect and the last review recorded.
  std::optional<Date> reviewed = date_of(suspect, "last_review_on");
  const auto open_actions = std::count_if(actions.begin(), actions.end(), [](const auto& a) {
    const auto status = a.find("status");
    return status == a.end() || status->second.value_or("open") == "open";
  });
  base::JsonWriter w;
  w.begin_object().key("suspect");
  sync::write_record(w, suspect);
  write_records(w, "actions", actions);
  // The supervisors' reviews, newest first, each with who made it (a fact's author, which its
  // wire form does not carry).
  auto reviews = db.prepare(
      "SELECT r.id, r.reviewed_on, r.note, coalesce(o.username, '') FROM suspect_reviews r LEFT "
      "JOIN officers o ON o.id = r.reviewer_id WHERE r.suspect_id = ? ORDER BY r.reviewed_on "
      "DESC, r.sync_seq DESC");
  reviews.bind_all(id);
  write_rows(w, "reviews", reviews, {"id", "reviewed_on", "note", "reviewer"});
  const auto last_recorded = store::single_text(
      db, "SELECT max(reviewed_on) FROM suspect_reviews WHERE suspect_id = ?", id);
  if (const auto on = last_recorded ? parse_date(*last_recorded) : std::nullopt;
      on && (!reviewed || *on > *reviewed)) {
    reviewed = on;
  }
  write_records(w, "traces", children.at("trace_enquiry"));
  w.field("open_actions", static_cast<std::int64_t>(open_actions));
  // When the next review is due and whether the suspect is on the priority list: the policy's.
  const auto since = date_of(suspect, "outstanding_since");
  const Policy policy = store::policy_in_force(db, london_date(options.now()));
  w.field("review_due",
          since ? std::optional(format_date(suspect_review_due(reviewed.value_or(*since), policy)))
                : std::nullopt);
  const auto& list = policy.priority_list;
  const auto ref = suspect.find("ref");
  w.field("priority_list", list && ref != suspect.end() && ref->second &&
                                   std::find(list->suspects.begin(), list->suspects.end(),
                                             *ref->second) != list->suspects.end()
                               ? std::optional(list->name)
                               : std::nullopt);
  // The bail cases about this suspect of the suspect's own team (a case moved to another team
  // since it was linked is that team's to show), each disclosed and so audited as read.
  auto cases = db.prepare(
      "SELECT c.id, c.ref, c.status FROM bail_cases c JOIN suspects s ON s.id = c.suspect_id AND "
      "s.team_id = c.team_id WHERE c.suspect_id = ? ORDER BY c.ref");
  cases.bind_all(id);
  std::vector<std::string> disclosed;
  w.key("bail_cases").begin_array();
  while (cases.step()) {
    disclosed.push_back(cases.column_text(0));
    w.object(
        {base::member("ref", cases.column_text(1)), base::member("status", cases.column_text(2))});
  }
  w.end_array().end_object();
  std::vector<AuditRow> read{audit_row(call.caller, "read", "suspect", id, read_reason(call))};
  for (const auto& case_id : disclosed) {
    read.push_back(
        audit_row(call.caller, "read", "bail_case", case_id, "bail case of a suspect read"));
  }
  return disclosing(std::move(read), w.str());
}

Response Api::Impl::bail_case(const Call& call) {
  store::Database& db = *call.db;
  store::ReadSnapshot snapshot(db);  // the reads; their audit rows go through the queue
  const auto [id, bail, children] = case_in_scope(
      call, "bail_case", "bail case", {"bail_extension", "bail_condition", "rui_review"});
  const auto& extensions = children.at("bail_extension");
  const auto& reviews = children.at("rui_review");
  const Date today = london_date(options.now());
  base::JsonWriter w;
  w.begin_object().key("bail_case");
  sync::write_record(w, bail);
  write_records(w, "extensions", extensions);
  write_records(w, "conditions", children.at("bail_condition"));
  write_records(w, "rui_reviews", reviews);
  // What the law makes of the arrest and the extensions so far: when bail ends now, and who
  // must extend it, by when and how far.
  const auto arrested = date_of(bail, "arrested_on");
  const auto case_type = parse_enum<CaseType>(
      bail.count("case_type") && bail.at("case_type") ? *bail.at("case_type") : std::string());
  w.key("bail_period");
  if (arrested && case_type) {
    const BailTimetable timetable = bail_timetable(*arrested, *case_type);
    w.begin_object().field("regime", std::string(to_string(timetable.regime)));
    if (timetable.stages.empty()) {
      w.fields({base::member("ends", std::optional<std::string>()),
                base::member("days_left", std::optional<std::int64_t>())});
      w.key("next_extension").null();
    } else {
      const Date ends = latest(extensions, "extended_to").value_or(timetable.stages.front().ends);
      const int days_left = days_between(today, ends);
      w.fields({base::member("ends", format_date(ends)),
                base::member("days_left", static_cast<std::int64_t>(days_left))});
      w.key("next_extension");
      // Once the period has ended no extension can be given (docs/domain.md).
      const auto next = days_left < 0 ? std::nullopt : next_stage(timetable, ends);
      if (next) {
        w.object({base::member("authority", std::string(to_string(next->authority))),
                  base::member("label", std::string(bail_authority_label(next->authority))),
                  base::member("by", format_date(ends)),
                  base::member("furthest", format_date(next->ends))});
      } else {
        w.null();
      }
    }
    w.end_object();
  } else {
    w.null();
  }
  const Policy policy = store::policy_in_force(db, today);
  const bool rui = bail.count("status") && bail.at("status") == std::optional<std::string>("rui");
  w.field("rui_review_due", rui && arrested
                                ? std::optional(format_date(rui_review_due(
                                      latest(reviews, "reviewed_on").value_or(*arrested), policy)))
                                : std::nullopt);
  // The suspect the case is about, of the case's team (kBailCaseSteps).
  auto suspect = db.prepare(
      "SELECT s.id, s.ref FROM bail_cases c JOIN suspects s ON s.id = c.suspect_id AND "
      "s.team_id = c.team_id WHERE c.id = ?");
  suspect.bind_all(id);
  std::optional<std::string> suspect_id, suspect_ref;
  if (suspect.step()) {
    suspect_id = suspect.column_text(0);
    suspect_ref = suspect.column_text(1);
  }
  suspect.reset();
  w.field("suspect_ref", suspect_ref);
  w.end_object();
  std::vector<AuditRow> read{audit_row(call.caller, "read", "bail_case", id, read_reason(call))};
  if (suspect_id) {
    read.push_back(
        audit_row(call.caller, "read", "suspect", *suspect_id, "suspect of a bail case read"));
  }
  return disclosing(std::move(read), w.str());
}

}  // namespace vigil::server
