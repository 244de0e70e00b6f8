#include "vigil/mobile/json.hpp"

#include "vigil/base/json.hpp"

namespace vigil::mobile {
namespace {

void strings(base::JsonWriter& w, const char* key, const std::vector<std::string>& items) {
  w.key(key).begin_array();
  for (const auto& item : items) w.value(item);
  w.end_array();
}

void fields(base::JsonWriter& w, const sync::FieldValues& values) {
  w.begin_object();
  for (const auto& [name, value] : values) w.field(name, value);
  w.end_object();
}

}  // namespace

std::string to_json(const SyncReport& r) {
  base::JsonWriter w;
  w.begin_object()
      .field("pushed", r.pushed)
      .field("applied", r.applied)
      .field("duplicates", r.duplicates)
      .field("conflicts", r.conflicts)
      .field("rejected", r.rejected);
  strings(w, "rejections", r.rejections);
  w.field("received", r.received)
      .field("purged", r.purged)
      .field("set_aside", r.set_aside)
      .field("took_scope", r.took_scope)
      .field("drift", r.drift)
      .field("open_conflicts", r.open_conflicts)
      .end_object();
  return w.str();
}

std::string caseload_json(const std::vector<reports::CaseloadEntry>& entries, Date as_of) {
  base::JsonWriter w;
  w.begin_object().field("as_of", format_date(as_of)).key("items").begin_array();
  for (const auto& e : entries) {
    w.begin_object()
        .field("nominal_ref", e.nominal_ref)
        .field("name", e.name)
        .field("officer", e.officer)
        .field("risk_level", std::string(to_string(e.risk_level)))
        .field("next_visit_due",
               e.next_visit_due ? std::optional(format_date(*e.next_visit_due)) : std::nullopt)
        .field("days_overdue", e.days_overdue)
        .field("priority", e.priority)
        .field("double_crewed", e.double_crewed)
        .field("no_fixed_abode", e.no_fixed_abode);
    strings(w, "reasons", e.reasons);
    w.end_object();
  }
  w.end_array().end_object();
  return w.str();
}

std::string to_json(const NominalRecord& record) {
  base::JsonWriter w;
  w.begin_object().key("nominal");
  fields(w, record.nominal);
  const std::pair<const char*, const std::vector<sync::FieldValues>*> lists[] = {
      {"addresses", &record.addresses},
      {"plans", &record.plans},
      {"assessments", &record.assessments},
      {"orders", &record.orders},
      {"visits", &record.visits}};
  for (const auto& [name, list] : lists) {
    w.key(name).begin_array();
    for (const auto& values : *list) fields(w, values);
    w.end_array();
  }
  w.end_object();
  return w.str();
}

std::string to_json(const Recorded& recorded) {
  base::JsonWriter w;
  w.begin_object().field("id", recorded.id);
  strings(w, "warnings", recorded.warnings);
  w.end_object();
  return w.str();
}

std::string warnings_json(const std::vector<std::string>& warnings) {
  base::JsonWriter w;
  w.begin_object();
  strings(w, "warnings", warnings);
  w.end_object();
  return w.str();
}

std::string to_json(const TabletStatus& s) {
  base::JsonWriter w;
  w.begin_object()
      .field("enrolled", s.enrolled)
      .field("locked", s.locked)
      .field("scope_complete", s.scope_complete)
      .field("server", s.server)
      .field("officer", s.officer)
      .field("role", std::string(to_string(s.role)))
      .field("device_id", s.device_id)
      .field("pending", s.pending)
      .field("last_sync_at", s.last_sync_at)
      .key("rejected")
      .begin_array();
  for (const auto& r : s.rejected) {
    w.begin_object()
        .field("change_id", r.change_id)
        .field("entity", r.entity)
        .field("entity_id", r.entity_id)
        .field("reason", r.reason)
        .end_object();
  }
  w.end_array().key("set_aside").begin_array();
  for (const auto& r : s.set_aside) {
    w.begin_object()
        .field("entity", r.entity)
        .field("entity_id", r.entity_id)
        .field("reason", r.reason)
        .field("set_aside_at", r.set_aside_at)
        .end_object();
  }
  w.end_array().key("open_conflicts").begin_array();
  for (const auto& c : s.open_conflicts) {
    w.begin_object()
        .field("id", c.id)
        .field("entity", c.entity)
        .field("entity_id", c.entity_id)
        .field("field", c.field)
        .field("winning_value", c.winning_value)
        .field("losing_value", c.losing_value)
        .field("detected_at", c.detected_at)
        .end_object();
  }
  w.end_array().end_object();
  return w.str();
}

}  // namespace vigil::mobile
