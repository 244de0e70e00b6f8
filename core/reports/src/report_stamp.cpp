#include "vigil/reports/report_stamp.hpp"

#include <algorithm>

#include "vigil/base/csv.hpp"
#include "vigil/base/error.hpp"

namespace vigil::reports {

ReportStamp stamp_report(store::Database& db, Date as_of,
                         const std::vector<std::string>& team_names, Instant now) {
  ReportStamp stamp;
  stamp.as_of = as_of;
  stamp.generated_at = format_instant(now);
  stamp.teams = team_names;
  stamp.force = team_names.empty();
  std::optional<std::vector<std::string>> team_ids;
  if (stamp.force) {
    // Named all the same, so a reader of a force-wide report can pick one team of it.
    auto& s = db.cached("SELECT name FROM teams ORDER BY name");
    while (s.step()) stamp.teams.push_back(s.column_text(0));
  } else {
    team_ids.emplace();
    auto& s = db.cached("SELECT id FROM teams WHERE name IN (SELECT value FROM json_each(?))");
    s.bind_all(base::json_string_array(team_names));
    while (s.step()) team_ids->push_back(s.column_text(0));
  }
  for (auto& device : store::list_devices(db, team_ids)) {
    // Tablets only: a dashboard sign-in holds no records, so it says nothing of their freshness.
    if (!device.revoked_at && device.kind == "tablet") stamp.devices.push_back(std::move(device));
  }
  // Never synced first, then the stalest: what a supervisor should chase.
  std::stable_sort(stamp.devices.begin(), stamp.devices.end(),
                   [](const store::DeviceInfo& a, const store::DeviceInfo& b) {
                     if (a.last_contact_at.has_value() != b.last_contact_at.has_value()) {
                       return !a.last_contact_at.has_value();
                     }
                     return a.last_contact_at.value_or("") < b.last_contact_at.value_or("");
                   });
  return stamp;
}

std::int64_t never_synced(const ReportStamp& stamp) {
  return std::count_if(stamp.devices.begin(), stamp.devices.end(),
                       [](const store::DeviceInfo& d) { return !d.last_contact_at; });
}

std::optional<std::string> oldest_sync(const ReportStamp& stamp) {
  // The devices come never-synced first, then stalest first.
  for (const auto& d : stamp.devices) {
    if (d.last_contact_at) return d.last_contact_at;
  }
  return std::nullopt;
}

void write_stamp(base::JsonWriter& w, const ReportStamp& stamp) {
  w.field("as_of", format_date(stamp.as_of)).field("generated_at", stamp.generated_at);
  w.key("scope").begin_object().key("teams").begin_array();
  for (const auto& team : stamp.teams) w.value(team);
  w.end_array().field("force", stamp.force).end_object();
  w.key("freshness")
      .begin_object()
      .fields({base::member("devices", static_cast<std::int64_t>(stamp.devices.size())),
               base::member("never_synced", never_synced(stamp)),
               base::member("oldest_sync", oldest_sync(stamp))})
      .key("items")
      .begin_array();
  for (const auto& d : stamp.devices) {
    w.object({base::member("device_id", d.id), base::member("name", d.name),
              base::member("officer", d.officer), base::member("team", d.team),
              base::member("last_sync_at", d.last_contact_at),
              base::member("pending_changes", d.pending_changes)});
  }
  w.end_array().end_object();
}

std::string report_json(Date as_of, const ReportStamp* stamp,
                        const std::function<void(base::JsonWriter&)>& write_body) {
  base::JsonWriter w;
  w.begin_object();
  if (stamp != nullptr) {
    write_stamp(w, *stamp);
  } else {
    w.field("as_of", format_date(as_of));
  }
  write_body(w);
  w.end_object();
  return w.str();
}

std::string stamped_json(std::string_view unstamped, const ReportStamp& stamp) {
  const std::string head = "{\"as_of\":\"" + format_date(stamp.as_of) + "\"";
  if (unstamped.substr(0, head.size()) != head) {
    throw Error(ErrorCode::internal, "a report's JSON to stamp does not begin with " + head);
  }
  base::JsonWriter w;
  w.begin_object();
  write_stamp(w, stamp);  // begins with the same "as_of"; the object stays open for the rest
  // One copy of the rest, into room made for it: a force-wide report's JSON runs to 20 MB.
  std::string out = w.str();
  const auto rest = unstamped.substr(head.size());
  out.reserve(out.size() + rest.size());
  out.append(rest);
  return out;
}

bool silent_over_24h(const store::DeviceInfo& device, Instant now) {
  if (!device.last_contact_at) return true;
  const auto last = parse_instant(*device.last_contact_at);
  return !last || now - *last > kSilentAfter;
}

bool silent_with_changes(const store::DeviceInfo& device, Instant now) {
  return device.pending_changes.value_or(0) > 0 && silent_over_24h(device, now);
}

std::string devices_report_json(const ReportStamp& stamp, Instant now) {
  base::JsonWriter w;
  w.begin_object();
  write_stamp(w, stamp);
  std::int64_t silent_count = 0;
  std::int64_t holding_count = 0;
  w.key("items").begin_array();
  for (const auto& d : stamp.devices) {
    const bool quiet = silent_over_24h(d, now);
    const bool holding = silent_with_changes(d, now);
    silent_count += quiet ? 1 : 0;
    holding_count += holding ? 1 : 0;
    w.begin_object().fields({base::member("device_id", d.id), base::member("name", d.name)});
    store::write_device_contact(w, d);
    w.fields(
        {base::member("silent_over_24h", quiet), base::member("silent_with_changes", holding)});
    w.end_object();
  }
  w.end_array().key("summary").begin_object();
  w.field("devices", static_cast<std::int64_t>(stamp.devices.size()))
      .field("silent_over_24h", silent_count)
      .field("silent_with_changes", holding_count)
      .end_object();
  w.end_object();
  return w.str();
}

std::string devices_report_csv(const ReportStamp& stamp, Instant now) {
  std::string out =
      "device_id,name,officer,team,enrolled_at,last_contact_at,pending_changes,clock_skew_ms,"
      "silent_over_24h,oldest_pending_at,silent_with_changes\r\n";
  auto number = [](const std::optional<std::int64_t>& n) {
    return n ? std::to_string(*n) : std::string();
  };
  for (const auto& d : stamp.devices) {
    out += base::csv_field(d.id) + ',' + base::csv_field(d.name) + ',' +
           base::csv_field(d.officer) + ',' + base::csv_field(d.team) + ',' +
           base::csv_field(d.enrolled_at) + ',' + base::csv_field(d.last_contact_at.value_or("")) +
           ',' + number(d.pending_changes) + ',' + number(d.clock_skew_ms) + ',' +
           (silent_over_24h(d, now) ? "yes" : "no") + ',' +
           base::csv_field(d.oldest_pending_at.value_or("")) + ',' +
           (silent_with_changes(d, now) ? "yes" : "no") + "\r\n";
  }
  return out;
}

}  // namespace vigil::reports
