#include "vigil/mobile/json.hpp"

#include "vigil/sync/nominal_record.hpp"

#include "vigil/base/json.hpp"

namespace vigil::mobile {
namespace {

void strings(base::JsonWriter& w, const char* key, const std::vector<std::string>& items) {
  w.key(key).begin_array();
  for (const auto& item : items) w.value(item);
  w.end_array();
}

// A record as the tablet holds it: each field by name, null where it has no value.
void caseload_items(base::JsonWriter& w, const std::vector<reports::CaseloadEntry>& entries) {
  w.begin_array();
  for (const auto& e : entries) {
    w.begin_object()
        .fields({base::member("nominal_ref", e.nominal_ref), base::member("name", e.name),
                 base::member("officer", e.officer),
                 base::member("risk_level", std::string(to_string(e.risk_level)))})
        .field("next_visit_due",
               e.next_visit_due ? std::optional(format_date(*e.next_visit_due)) : std::nullopt)
        .fields({base::member("days_overdue", e.days_overdue), base::member("priority", e.priority),
                 base::member("double_crewed", e.double_crewed),
                 base::member("no_fixed_abode", e.no_fixed_abode), base::member("area", e.area)});
    strings(w, "reasons", e.reasons);
    w.end_object();
  }
  w.end_array();
}

// Each warning with its kind and the visit's field that must then say why ("" when none).
void warnings_array(base::JsonWriter& w, const std::vector<VisitWarning>& warnings) {
  w.key("warnings").begin_array();
  for (const auto& warning : warnings) {
    w.object({base::member("kind", std::string(to_string(warning.kind))),
              base::member("text", warning.text),
              base::member("reason_field", std::string(reason_field(warning.kind)))});
  }
  w.end_array();
}

}  // namespace

std::string to_json(const SyncReport& r) {
  base::JsonWriter w;
  w.begin_object().fields({base::member("pushed", r.pushed), base::member("applied", r.applied),
                           base::member("duplicates", r.duplicates),
                           base::member("conflicts", r.conflicts),
                           base::member("rejected", r.rejected)});
  strings(w, "rejections", r.rejections);
  w.fields({base::member("received", r.received), base::member("purged", r.purged),
            base::member("set_aside", r.set_aside), base::member("took_scope", r.took_scope),
            base::member("drift", r.drift), base::member("open_conflicts", r.open_conflicts)})
      .end_object();
  return w.str();
}

std::string caseload_json(const std::vector<reports::CaseloadEntry>& entries, Date as_of) {
  base::JsonWriter w;
  w.begin_object().field("as_of", format_date(as_of)).key("items");
  caseload_items(w, entries);
  w.end_object();
  return w.str();
}

std::string to_json(const NominalRecord& record) {
  base::JsonWriter w;
  w.begin_object();
  sync::write_record_members(w, record);
  w.key("due");
  caseload_items(w, record.due);
  w.end_object();
  return w.str();
}

std::string to_json(const Recorded& recorded) {
  base::JsonWriter w;
  w.begin_object().field("id", recorded.id);
  warnings_array(w, recorded.warnings);
  w.end_object();
  return w.str();
}

std::string warnings_json(const std::vector<VisitWarning>& warnings) {
  base::JsonWriter w;
  w.begin_object();
  warnings_array(w, warnings);
  w.end_object();
  return w.str();
}

std::string officers_json(const std::vector<OfficerEntry>& officers) {
  return base::items_json(officers, [](base::JsonWriter& w, const OfficerEntry& o) {
    w.object({base::member("username", o.username), base::member("name", o.name),
              base::member("team", o.team), base::member("active", o.active)});
  });
}

std::string suspects_json(const std::vector<SuspectRecord>& suspects) {
  return base::items_json(suspects, [](base::JsonWriter& w, const SuspectRecord& s) {
    w.begin_object().key("suspect");
    sync::write_record(w, s.suspect);
    w.key("traces").begin_array();
    for (const auto& t : s.traces) sync::write_record(w, t);
    w.end_array().key("actions").begin_array();
    for (const auto& a : s.actions) sync::write_record(w, a);
    w.end_array().end_object();
  });
}

std::string returned_json(const std::vector<ReturnedItem>& items) {
  return base::items_json(items, [](base::JsonWriter& w, const ReturnedItem& r) {
    w.object({base::member("decision_id", r.decision_id), base::member("subject", r.subject),
              base::member("subject_id", r.subject_id), base::member("comment", r.comment),
              base::member("decided_at", r.decided_at), base::member("nominal_ref", r.nominal_ref),
              base::member("mine", r.mine)});
  });
}

std::string to_json(const TabletStatus& s) {
  base::JsonWriter w;
  w.begin_object()
      .fields({base::member("enrolled", s.enrolled), base::member("locked", s.locked),
               base::member("scope_complete", s.scope_complete), base::member("server", s.server),
               base::member("officer", s.officer),
               base::member("role", std::string(to_string(s.role))),
               base::member("device_id", s.device_id), base::member("pending", s.pending),
               base::member("last_sync_at", s.last_sync_at)})
      .key("rejected")
      .begin_array();
  for (const auto& r : s.rejected) {
    w.begin_object()
        .fields({base::member("change_id", r.change_id), base::member("entity", r.entity),
                 base::member("entity_id", r.entity_id), base::member("reason", r.reason),
                 base::member("operation", std::string(to_string(r.operation))),
                 base::member("subject", r.subject)})
        .key("fields");
    sync::write_record(w, r.fields);
    w.end_object();
  }
  w.end_array().key("set_aside").begin_array();
  for (const auto& r : s.set_aside) {
    w.object({base::member("entity", r.entity), base::member("entity_id", r.entity_id),
              base::member("reason", r.reason), base::member("set_aside_at", r.set_aside_at)});
  }
  w.end_array().key("open_conflicts").begin_array();
  for (const auto& c : s.open_conflicts) {
    w.object({base::member("id", c.id), base::member("entity", c.entity),
              base::member("entity_id", c.entity_id), base::member("field", c.field),
              base::member("winning_value", c.winning_value),
              base::member("losing_value", c.losing_value),
              base::member("detected_at", c.detected_at)});
  }
  w.end_array().end_object();
  return w.str();
}

}  // namespace vigil::mobile
