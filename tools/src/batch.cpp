#include "vigil/tools/batch.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include "vigil/base/digest.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/backlog_trend.hpp"
#include "vigil/reports/compliance_report.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/reports/report_stamp.hpp"
#include "vigil/reports/suspects_report.hpp"
#include "vigil/rules/bail.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/read_audit.hpp"

namespace vigil::backoffice {
namespace {

// Bytes of the database file the run may memory-map (see run_batch).
constexpr std::int64_t kBatchMappedBytes = std::int64_t{64} << 20;

// Open conflicts older than this are flagged: a supervisor should have decided them.
constexpr std::chrono::hours kConflictAge{72};

// What one night's checks read: the reports and the stamp, made once in the snapshot.
struct Night {
  Date as_of;
  Instant cutoff;         // the end of the as-of day, Europe/London
  std::string day_start;  // its start, as stored instants are written
  reports::OverdueReport overdue;
  reports::SuspectsReport suspects;
  reports::ComplianceReport compliance;
  reports::ReportStamp stamp;
};

Night read_night(store::Database& db, Date as_of, base::Progress& progress) {
  Night night;
  night.as_of = as_of;
  night.cutoff = london_midnight(add_days(as_of, 1));
  night.day_start = format_instant(london_midnight(as_of));
  progress.stage("overdue report");
  night.overdue = reports::overdue_report(db, as_of, {});
  progress.stage("suspects report");
  night.suspects = reports::suspects_report(db, as_of, {});
  progress.stage("compliance report");
  night.compliance = reports::compliance_report(db, as_of, {});
  night.stamp = reports::stamp_report(db, as_of, {}, night.cutoff);
  // As of the cut-off, so that two runs for one date agree.
  night.stamp.generated_at = format_instant(night.cutoff);
  return night;
}

Finding finding(std::vector<std::pair<std::string, std::string>> records, std::string detail) {
  return Finding{std::move(records), std::move(detail)};
}

// --- invariants

// Every change the server acknowledged as applied was applied exactly once: its record is there,
// and no record was created by two changes.
Check applied_once(store::Database& db) {
  Check check{"changes_applied_once",
              "Every change acknowledged as applied is in the records, exactly once.",
              {}};
  for (const auto& spec : sync::entities()) {
    if (spec.table.empty()) continue;  // decisions: below
    // The record as the change made it: its id; and where the table holds other rows too (a
    // read event is an audit_log row with action 'read'), those columns and the device that
    // pushed it. (A visit the back office imported has no device of its own.)
    std::string record = "r.id = c.entity_id";
    for (const auto& [column, value] : spec.fixed_columns) {
      record += " AND r." + std::string(column) + " = '" + std::string(value) + "'";
    }
    if (!spec.fixed_columns.empty() && !spec.device_column.empty()) {
      record += " AND r." + std::string(spec.device_column) + " = c.device_id";
    }
    auto missing = db.prepare(
        "SELECT c.seq, c.change_id, c.entity_id FROM changes c WHERE c.entity = ? AND "
        "c.outcome = 'applied' AND c.operation IN ('create', 'append') AND NOT EXISTS "
        "(SELECT 1 FROM " +
        std::string(spec.table) + " r WHERE " + record + ") ORDER BY c.seq");
    missing.bind_all(spec.name);
    while (missing.step()) {
      check.findings.push_back(finding({{"seq", missing.column_text(0)},
                                        {"change_id", missing.column_text(1)},
                                        {"entity", std::string(spec.name)},
                                        {"entity_id", missing.column_text(2)}},
                                       "the change was acknowledged as applied, but its " +
                                           std::string(spec.name) + " is not in the records"));
    }
  }
  // A decision lives in the conflict it decided: decided, and by one decision only.
  auto undecided = db.prepare(
      "SELECT c.seq, c.change_id, json_extract(c.fields, '$.conflict_id') FROM changes c WHERE "
      "c.entity = 'conflict_decision' AND c.outcome = 'applied' AND NOT EXISTS (SELECT 1 FROM "
      "conflicts k WHERE k.id = json_extract(c.fields, '$.conflict_id') AND k.status = "
      "'decided') ORDER BY c.seq");
  while (undecided.step()) {
    check.findings.push_back(finding({{"seq", undecided.column_text(0)},
                                      {"change_id", undecided.column_text(1)},
                                      {"entity", "conflict_decision"},
                                      {"entity_id", undecided.column_text(2)}},
                                     "the decision was acknowledged as applied, but its conflict "
                                     "is not decided"));
  }
  // Records made by more than one applied change, and conflicts decided more than once, with
  // their changes in sequence order (gathered here: group_concat's order is not promised).
  auto twice = db.prepare(
      "WITH made AS (SELECT entity, CASE entity WHEN 'conflict_decision' THEN "
      "json_extract(fields, '$.conflict_id') ELSE entity_id END AS key, seq FROM changes WHERE "
      "outcome = 'applied' AND operation IN ('create', 'append')) SELECT m.entity, m.key, m.seq "
      "FROM made m JOIN (SELECT entity, key FROM made GROUP BY entity, key HAVING count(*) > 1) d "
      "ON d.entity = m.entity AND d.key = m.key ORDER BY m.entity, m.key, m.seq");
  std::string last_entity, last_key;
  while (twice.step()) {
    const std::string entity = twice.column_text(0), key = twice.column_text(1);
    if (entity == last_entity && key == last_key) {
      check.findings.back().records[2].second += ", " + twice.column_text(2);
      continue;
    }
    last_entity = entity;
    last_key = key;
    check.findings.push_back(finding(
        {{"entity", entity}, {"entity_id", key}, {"seq", twice.column_text(2)}},
        entity == "conflict_decision" ? "the conflict was decided by more than one applied change"
                                      : "the record was created by more than one applied change"));
  }
  return check;
}

// The server numbers every change it takes in; none may go missing.
Check sequence_without_gaps(store::Database& db) {
  Check check{"sequence_without_gaps",
              "The server's change numbers run from 1 to the last it gave, with none missing.",
              {}};
  auto gap = [&](std::int64_t from, std::int64_t to) {
    check.findings.push_back(finding(
        {{"first_missing_seq", std::to_string(from)}, {"last_missing_seq", std::to_string(to)}},
        to == from ? "change " + std::to_string(from) + " is missing from the change log"
                   : "changes " + std::to_string(from) + " to " + std::to_string(to) +
                         " are missing from the change log"));
  };
  auto first = db.prepare("SELECT min(seq) FROM changes");
  first.step();
  if (const auto lowest = first.column_optional_int(0); lowest && *lowest > 1) gap(1, *lowest - 1);
  auto holes = db.prepare(
      "SELECT c.seq + 1, (SELECT min(n.seq) FROM changes n WHERE n.seq > c.seq) - 1 FROM changes c "
      "WHERE c.seq < (SELECT max(seq) FROM changes) AND NOT EXISTS "
      "(SELECT 1 FROM changes n WHERE n.seq = c.seq + 1) ORDER BY c.seq");
  while (holes.step()) gap(holes.column_int(0), holes.column_int(1));
  // Numbers given out past the last row still held: the newest changes were removed.
  auto given = db.prepare(
      "SELECT s.seq, (SELECT coalesce(max(seq), 0) FROM changes) FROM sqlite_sequence s "
      "WHERE s.name = 'changes'");
  if (given.step() && given.column_int(0) > given.column_int(1)) {
    gap(given.column_int(1) + 1, given.column_int(0));
  }
  return check;
}

Check read_audit_whole(store::Database& db) {
  Check check{"read_audit_chains_whole",
              "Every device's chain of read events is whole: each index once, none missing, each "
              "hash matching its event and the one before.",
              {}};
  for (const auto& b : sync::verify_read_chains(db)) {
    check.findings.push_back(finding(
        {{"device_id", b.device_id}, {"chain_index", std::to_string(b.chain_index)}}, b.problem));
  }
  return check;
}

Check visits_have_nominals(store::Database& db) {
  Check check{"visits_have_nominals", "Every visit is of a nominal in the records.", {}};
  auto s = db.prepare(
      "SELECT v.id, v.nominal_id FROM visits v WHERE NOT EXISTS "
      "(SELECT 1 FROM nominals n WHERE n.id = v.nominal_id) ORDER BY v.id");
  while (s.step()) {
    check.findings.push_back(
        finding({{"visit_id", s.column_text(0)}, {"nominal_id", s.column_text(1)}},
                "the visit names a nominal that is not in the records"));
  }
  return check;
}

Check nominals_managed(store::Database& db) {
  Check check{"active_nominals_managed",
              "Every active nominal has a managing officer, a risk assessment and a plan.",
              {}};
  auto s = db.prepare(
      "SELECT n.ref, coalesce(t.name, n.team_id), n.officer_id IS NULL OR NOT EXISTS (SELECT 1 "
      "FROM officers o WHERE o.id = n.officer_id AND o.active = 1), NOT EXISTS (SELECT 1 FROM "
      "assessments a WHERE a.nominal_id = n.id), NOT EXISTS (SELECT 1 FROM plans p WHERE "
      "p.nominal_id = n.id), t.id IS NULL FROM nominals n LEFT JOIN teams t ON t.id = n.team_id "
      "WHERE n.status = 'active' ORDER BY n.ref");
  while (s.step()) {
    std::vector<std::string> missing;
    if (s.column_int(5) != 0) missing.emplace_back("team in the records");
    if (s.column_int(2) != 0) missing.emplace_back("managing officer");
    if (s.column_int(3) != 0) missing.emplace_back("risk assessment");
    if (s.column_int(4) != 0) missing.emplace_back("plan");
    if (missing.empty()) continue;
    std::string list;
    for (std::size_t i = 0; i < missing.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == missing.size() ? " or " : ", ") + missing[i];
    }
    check.findings.push_back(
        finding({{"nominal_ref", s.column_text(0)}, {"team", s.column_text(1)}},
                "the active nominal has no " + list));
  }
  return check;
}

Check crewing_met(const reports::ComplianceReport& compliance) {
  Check check{"plans_crewing_met",
              "Every visit in the " + std::to_string(reports::kComplianceDays) +
                  " days up to the as-of date had the crew its plan required.",
              {}};
  // The compliance report lists them most recent first; the run lists them by time, then id.
  auto visits = compliance.under_crewed;
  std::sort(visits.begin(), visits.end(), [](const auto& a, const auto& b) {
    return std::tie(a.occurred_at, a.visit_id) < std::tie(b.occurred_at, b.visit_id);
  });
  for (const auto& v : visits) {
    check.findings.push_back(finding({{"visit_id", v.visit_id},
                                      {"nominal_ref", v.nominal_ref},
                                      {"officer", v.officer},
                                      {"team", v.team},
                                      {"occurred_at", v.occurred_at}},
                                     counted(v.attendees, "officer") +
                                         " attended where the plan required " +
                                         std::to_string(v.required)));
  }
  return check;
}

// --- flags

Check silent_with_pending(const Night& night) {
  Check check{"devices_silent_with_pending_changes",
              "Tablets silent for over 24 hours that held changes not yet synced at their last "
              "contact.",
              {}};
  for (const auto& d : night.stamp.devices) {
    if (!reports::silent_over_24h(d, night.cutoff) || d.pending_changes.value_or(0) <= 0) continue;
    check.findings.push_back(
        finding({{"device_id", d.id},
                 {"name", d.name},
                 {"officer", d.officer},
                 {"team", d.team},
                 {"last_contact_at", d.last_contact_at.value_or("never")}},
                std::to_string(*d.pending_changes) +
                    " changes were waiting on the tablet at its last contact"));
  }
  return check;
}

Check clock_skew(store::Database& db, const Night& night) {
  Check check{"changes_with_clock_skew",
              "Tablets whose changes received during the day came with a clock far from the "
              "server's.",
              {}};
  auto s = db.prepare(
      "SELECT c.device_id, coalesce(d.name, ''), coalesce(o.username, ''), count(*), "
      "min(c.received_at), max(c.received_at), d.clock_skew_ms FROM changes c LEFT JOIN devices d "
      "ON d.id = c.device_id LEFT JOIN officers o ON o.id = d.officer_id WHERE c.clock_skew_flag = "
      "1 AND c.received_at >= ? AND c.received_at < ? GROUP BY c.device_id ORDER BY c.device_id");
  s.bind_all(night.day_start, format_instant(night.cutoff));
  while (s.step()) {
    check.findings.push_back(finding(
        {{"device_id", s.column_text(0)},
         {"name", s.column_text(1)},
         {"officer", s.column_text(2)},
         {"first_received_at", s.column_text(4)},
         {"last_received_at", s.column_text(5)}},
        s.column_text(3) + " changes arrived with a skewed clock" +
            (s.is_null(6)
                 ? std::string()
                 : "; last measured skew " + std::to_string(s.column_int(6) / 1000) + " s")));
  }
  return check;
}

Check old_conflicts(store::Database& db, const Night& night) {
  Check check{"conflicts_open_over_72_hours",
              "Conflicts still open more than 72 hours after they were found.",
              {}};
  auto s = db.prepare(
      "SELECT id, entity, entity_id, field, detected_at FROM conflicts WHERE status = 'open' AND "
      "detected_at < ? ORDER BY detected_at, id");
  s.bind_all(format_instant(night.cutoff - kConflictAge));
  while (s.step()) {
    check.findings.push_back(finding({{"conflict_id", s.column_text(0)},
                                      {"entity", s.column_text(1)},
                                      {"entity_id", s.column_text(2)},
                                      {"field", s.column_text(3)},
                                      {"detected_at", s.column_text(4)}},
                                     "the " + s.column_text(1) + "'s " + s.column_text(3) +
                                         " has waited for a supervisor's decision since " +
                                         s.column_text(4)));
  }
  return check;
}

Check overdue_high_risk(const Night& night) {
  Check check{"overdue_high_risk",
              "Overdue items of high and very high risk nominals, highest priority first.",
              {}};
  for (const auto& item : night.overdue.items) {
    if (item.risk_level < RiskLevel::high) continue;
    check.findings.push_back(
        finding({{"nominal_ref", item.nominal_ref},
                 {"kind", std::string(to_string(item.kind))},
                 {"risk_level", std::string(to_string(item.risk_level))},
                 {"officer", item.officer},
                 {"team", item.team},
                 {"due", format_date(item.due)}},
                std::to_string(item.days_overdue) +
                    (item.days_overdue == 1 ? " day overdue" : " days overdue")));
  }
  return check;
}

Check bail_ending(const Night& night) {
  Check check{"bail_ending_within_7_days",
              "Pre-charge bail periods ending within 7 days of the as-of date, or already ended.",
              {}};
  // Those still running first, soonest first (what can still be extended); then the lapsed.
  std::vector<Finding> lapsed;
  for (const auto& b : night.suspects.bail) {
    if (b.days_left < 0) {
      lapsed.push_back(finding({{"ref", b.ref},
                                {"officer", b.officer},
                                {"team", b.team},
                                {"bail_ends", format_date(b.current_end)}},
                               "ended " + std::to_string(-b.days_left) +
                                   " days ago: bail has lapsed, too late to extend"));
      continue;
    }
    check.findings.push_back(finding(
        {{"ref", b.ref},
         {"officer", b.officer},
         {"team", b.team},
         {"bail_ends", format_date(b.current_end)}},
        (b.days_left == 0 ? std::string("ends today") : "ends in " + counted(b.days_left, "day")) +
            (b.extension ? "; an extension needs the " +
                               std::string(bail_authority_label(b.extension->authority))
                         : "; no further extension is possible")));
  }
  check.findings.insert(check.findings.end(), lapsed.begin(), lapsed.end());
  return check;
}

Check suspects_untraced(const Night& night) {
  Check check{"suspects_without_trace_activity",
              "Outstanding suspects with no trace activity for the policy's period (7 days by "
              "default) or more.",
              {}};
  for (const auto& s : night.suspects.suspects) {
    if (!s.no_trace_flag) continue;
    check.findings.push_back(finding(
        {{"ref", s.ref},
         {"officer", s.officer},
         {"team", s.team},
         {"harm", std::to_string(s.harm)}},
        s.last_trace_on
            ? std::to_string(s.days_since_trace) + " days since the last trace activity"
            : "never traced in " + std::to_string(s.days_outstanding) + " days outstanding"));
  }
  return check;
}

Reconciliation reconcile_night(store::Database& db, const Night& night, base::Progress& progress) {
  Reconciliation r;
  r.as_of = night.as_of;
  r.cutoff = night.cutoff;
  progress.stage("invariants");
  r.invariants.push_back(applied_once(db));
  r.invariants.push_back(sequence_without_gaps(db));
  progress.stage("read audit");
  r.invariants.push_back(read_audit_whole(db));
  r.invariants.push_back(visits_have_nominals(db));
  r.invariants.push_back(nominals_managed(db));
  r.invariants.push_back(crewing_met(night.compliance));
  progress.stage("flags");
  r.flags.push_back(silent_with_pending(night));
  r.flags.push_back(clock_skew(db, night));
  r.flags.push_back(old_conflicts(db, night));
  r.flags.push_back(overdue_high_risk(night));
  r.flags.push_back(bail_ending(night));
  r.flags.push_back(suspects_untraced(night));
  auto day = db.prepare(
      "SELECT outcome, count(*) FROM changes WHERE received_at >= ? AND received_at < ? "
      "GROUP BY outcome ORDER BY outcome");
  day.bind_all(night.day_start, format_instant(night.cutoff));
  while (day.step()) r.changes_by_outcome[day.column_text(0)] = day.column_int(1);
  auto devices = db.prepare(
      "SELECT count(DISTINCT c.device_id) FROM changes c JOIN devices d ON d.id = c.device_id "
      "AND d.kind = 'tablet' WHERE c.received_at >= ? AND c.received_at < ?");
  devices.bind_all(night.day_start, format_instant(night.cutoff));
  devices.step();
  r.devices_synced = devices.column_int(0);
  return r;
}

// --- the morning page

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr const char* kRiskColours[] = {"#3d7a3c", "#c99a06", "#b54d0d", "#b3261e"};
constexpr const char* kRiskLabels[] = {"Low", "Medium", "High", "Very high"};

// Overdue items by age band, stacked by risk level, as SVG.
std::string backlog_chart(const reports::OverdueSummary& summary,
                          const std::vector<OverdueItem>& items) {
  int counts[5][4] = {};
  for (const auto& item : items) ++counts[age_band(item.days_overdue)][index_of(item.risk_level)];
  int highest = 1;
  for (const int total : summary.by_age_band) highest = std::max(highest, total);
  const int width = 520, height = 220, left = 40, bottom = 30, bar = 80;
  const double scale = static_cast<double>(height - bottom - 20) / highest;
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) +
                    "\" role=\"img\" aria-label=\"Overdue items by age band and risk level\">";
  char buffer[256];
  for (int band = 0; band < 5; ++band) {
    double y = height - bottom;
    const int x = left + band * (bar + 16);
    for (int risk = 0; risk < 4; ++risk) {
      const double h = counts[band][risk] * scale;
      if (counts[band][risk] == 0) continue;
      y -= h;
      std::snprintf(buffer, sizeof buffer,
                    "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>%d "
                    "%s</title></rect>",
                    x, y, bar, h, kRiskColours[risk], counts[band][risk], kRiskLabels[risk]);
      svg += buffer;
    }
    std::snprintf(buffer, sizeof buffer,
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" class=\"total\">%d</text>"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                  x + bar / 2, y - 4, summary.by_age_band[static_cast<std::size_t>(band)],
                  x + bar / 2, height - 10, kAgeBands[band]);
    svg += buffer;
  }
  return svg + "</svg>";
}

// The backlog's total each night of the trend, as SVG.
std::string trend_chart(const reports::BacklogTrend& trend) {
  if (trend.points.empty()) return "<p>No nightly snapshots yet.</p>";
  int highest = 1;
  for (const auto& p : trend.points) highest = std::max(highest, p.total);
  const int width = 520, height = 160, left = 40, right = 10, bottom = 24, top = 10;
  const int span = std::max(1, days_between(trend.from, trend.as_of));
  std::string points, dots;
  char buffer[160];
  for (const auto& p : trend.points) {
    const double x = left + static_cast<double>(days_between(trend.from, p.as_of)) / span *
                                (width - left - right);
    const double y =
        height - bottom - static_cast<double>(p.total) / highest * (height - top - bottom);
    std::snprintf(buffer, sizeof buffer, "%.1f,%.1f ", x, y);
    points += buffer;
    std::snprintf(buffer, sizeof buffer,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#0b4f8a\"><title>%s: %d</title>"
                  "</circle>",
                  x, y, format_date(p.as_of).c_str(), p.total);
    dots += buffer;
  }
  std::snprintf(buffer, sizeof buffer,
                "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" "
                "text-anchor=\"end\">%s</text>",
                left, height - 6, format_date(trend.from).c_str(), width - right, height - 6,
                format_date(trend.as_of).c_str());
  return "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(width) + " " +
         std::to_string(height) +
         "\" role=\"img\" aria-label=\"Overdue items each night\"><polyline fill=\"none\" "
         "stroke=\"#0b4f8a\" stroke-width=\"2\" points=\"" +
         points + "\"/>" + dots + buffer + "<text x=\"" + std::to_string(left - 4) + "\" y=\"" +
         std::to_string(top + 8) + "\" text-anchor=\"end\">" + std::to_string(highest) +
         "</text></svg>";
}

std::string findings_table(const Check& check, std::size_t limit) {
  if (check.findings.empty()) return "<p class=\"ok\">None.</p>";
  std::string html = "<table><thead><tr>";
  for (const auto& [name, value] : check.findings.front().records) {
    html += "<th>" + html_escaped(name) + "</th>";
  }
  html += "<th>What</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < std::min(limit, check.findings.size()); ++i) {
    html += "<tr>";
    for (const auto& [name, value] : check.findings[i].records) {
      html += "<td>" + html_escaped(value) + "</td>";
    }
    html += "<td>" + html_escaped(check.findings[i].detail) + "</td></tr>";
  }
  html += "</tbody></table>";
  if (check.findings.size() > limit) {
    html += "<p>The first " + std::to_string(limit) + " of " +
            std::to_string(check.findings.size()) + ".</p>";
  }
  return html;
}

std::string summary_html(const Night& night, const Reconciliation& r,
                         const reports::BacklogTrend& trend) {
  const std::string as_of = format_date(night.as_of);
  std::string html =
      "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Vigil morning "
      "report, " +
      as_of +
      "</title><style>"
      "body{font-family:system-ui,sans-serif;font-size:9pt;color:#1b1f24;margin:1.5cm}"
      "p{margin:.3em 0}h1{font-size:14pt;margin:0}h2{font-size:10.5pt;margin:.8em 0 .2em;"
      "break-after:avoid}table{border-collapse:collapse;width:100%;font-size:8pt}th,td{"
      "text-align:left;padding:1px 4px;border-bottom:1px solid #ccc;vertical-align:top}tr{"
      "break-inside:avoid}.broken{color:#b3261e;font-weight:bold}.ok{color:#3d7a3c}.charts{"
      "display:flex;gap:1cm;flex-wrap:wrap}.chart{width:8cm;height:auto}.chart text{"
      "font-size:16px}.chart .total{"
      "font-weight:bold}.legend span{display:inline-block;padding:0 .4em;color:#fff;margin-right:"
      ".3em}@page{size:A4;margin:1cm}@media print{body{margin:0}}"
      "</style></head><body>\n<h1>Vigil morning report: " +
      as_of + "</h1>\n<p>The force's records as of the end of " + as_of +
      " (Europe/London). Restricted: for police use only.</p>\n";
  html += "<h2>Data checks</h2>";
  html += r.clean() ? "<p class=\"ok\">Every invariant holds.</p>"
                    : "<p class=\"broken\">The data is broken: every breach is listed in "
                      "reconcile.json.</p>";
  html += "<table><thead><tr><th>Check</th><th>Breaches</th></tr></thead><tbody>";
  for (const auto& check : r.invariants) {
    html += "<tr><td>" + html_escaped(check.description) + "</td><td class=\"" +
            (check.findings.empty() ? "ok\">none"
                                    : "broken\">" + std::to_string(check.findings.size())) +
            "</td></tr>";
  }
  html += "</tbody></table>\n<h2>What synced</h2><p>";
  std::int64_t total = 0;
  for (const auto& [outcome, n] : r.changes_by_outcome) total += n;
  html += std::to_string(total) + " changes received from " + std::to_string(r.devices_synced) +
          " devices";
  for (const auto& [outcome, n] : r.changes_by_outcome) {
    html += "; " + std::to_string(n) + " " + html_escaped(outcome);
  }
  html += ".</p>\n<h2>Overdue: " + std::to_string(night.overdue.summary.total) + " items; " +
          std::to_string(night.overdue.summary.nominals) +
          " nominals managed</h2><div class=\"charts\"><div>" +
          backlog_chart(night.overdue.summary, night.overdue.items) + "<p class=\"legend\">";
  for (int risk = 3; risk >= 0; --risk) {
    html += std::string("<span style=\"background:") + kRiskColours[risk] + "\">" +
            kRiskLabels[risk] + " " +
            std::to_string(night.overdue.summary.by_risk[static_cast<std::size_t>(risk)]) +
            "</span>";
  }
  html += "</p></div><div>" + trend_chart(trend) + "<p>Overdue items each night, last " +
          std::to_string(reports::kTrendDays) + " days.</p></div></div>\n";
  // One page: every flag counted, and the two the meeting acts on first listed at the top.
  html += "<h2>Flags</h2><table><thead><tr><th>What</th><th>Count</th></tr></thead><tbody>";
  for (const auto& flag : r.flags) {
    html += "<tr><td>" + html_escaped(flag.description) + "</td><td>" +
            std::to_string(flag.findings.size()) + "</td></tr>";
  }
  html += "</tbody></table>\n";
  for (const auto& flag : r.flags) {
    if (flag.name != "overdue_high_risk" && flag.name != "bail_ending_within_7_days") continue;
    html += "<h2>" + html_escaped(flag.description) + "</h2>" + findings_table(flag, 6) + "\n";
  }
  return html + "<p>Every item and breach is listed in reconcile.json.</p></body></html>\n";
}

void write_check(base::JsonWriter& w, const Check& check) {
  w.begin_object()
      .field("name", check.name)
      .field("description", check.description)
      .field("count", static_cast<std::int64_t>(check.findings.size()))
      .key("items")
      .begin_array();
  for (const auto& f : check.findings) {
    w.begin_object().key("records").begin_object();
    for (const auto& [name, value] : f.records) w.field(name, value);
    w.end_object().field("detail", f.detail).end_object();
  }
  w.end_array().end_object();
}

// The files a run writes: an output folder holding anything else is not the nightly run's.
constexpr const char* kOutputFiles[] = {"compliance.json", "devices.json", "manifest.json",
                                        "overdue.csv",     "overdue.json", "reconcile.json",
                                        "summary.html",    "suspects.csv", "suspects.json"};

// The folder a run may replace: new, empty, or a previous run's output. Anything else (".", the
// database's folder, a file) is refused before anything is written, since publishing replaces
// the folder whole.
void check_output(const std::filesystem::path& target) {
  if (!std::filesystem::exists(target)) return;
  if (std::filesystem::equivalent(target, std::filesystem::current_path())) {
    throw Error(ErrorCode::invalid_input,
                "--out " + target.string() +
                    " is the current folder, which the run would replace whole; name a folder "
                    "of its own");
  }
  if (!std::filesystem::is_directory(target)) {
    throw Error(ErrorCode::invalid_input,
                "--out " + target.string() + " is a file, not a folder for the run's output");
  }
  for (const auto& entry : std::filesystem::directory_iterator(target)) {
    const auto name = entry.path().filename().string();
    if (std::find(std::begin(kOutputFiles), std::end(kOutputFiles), name) ==
        std::end(kOutputFiles)) {
      throw Error(ErrorCode::invalid_input,
                  "--out " + target.string() + " holds '" + name +
                      "', which no nightly run wrote; the run replaces its output folder whole, "
                      "so give it a new or empty folder, or a previous run's");
    }
  }
}

// One run at a time per output folder: an exclusive lock on FOLDER.lock, beside it, for the
// life of the run (the file stays; the lock goes with the process).
class OutputLock {
 public:
  explicit OutputLock(const std::filesystem::path& target)
      : fd_(::open((target.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640)) {
    if (fd_ < 0) throw Error(ErrorCode::io, "cannot create " + target.string() + ".lock");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw Error(ErrorCode::invalid_input, "another vigil batch is writing to " + target.string() +
                                                "; try again when it ends");
    }
  }
  ~OutputLock() { ::close(fd_); }
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  int fd_;
};

// On disk before it is renamed into place: written, flushed to the disk, closed, each checked.
void write_file(const std::filesystem::path& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  bool ok = fd >= 0;
  for (std::size_t done = 0; ok && done < bytes.size();) {
    const auto wrote = ::write(fd, bytes.data() + done, bytes.size() - done);
    ok = wrote > 0;
    if (ok) done += static_cast<std::size_t>(wrote);
  }
  ok = ok && ::fsync(fd) == 0;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  if (!ok) throw Error(ErrorCode::io, "cannot write " + path.string());
}

void sync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw Error(ErrorCode::io, "cannot flush " + folder.string() + " to the disk");
  }
  ::close(fd);
}

// The previous output aside, the new one in, the previous removed. `out` always holds a whole
// run's output, except between the two renames, when the previous one is whole as
// FOLDER.previous; a failed second rename puts it back.
void publish(const std::filesystem::path& partial, const std::filesystem::path& out) {
  const std::filesystem::path aside = out.string() + ".previous";
  std::filesystem::remove_all(aside);
  const bool had_previous = std::filesystem::exists(out);
  if (had_previous) std::filesystem::rename(out, aside);
  try {
    std::filesystem::rename(partial, out);
  } catch (...) {
    if (had_previous) std::filesystem::rename(aside, out);
    throw;
  }
  sync_folder(out.parent_path());
  std::filesystem::remove_all(aside);
}

}  // namespace

bool Reconciliation::clean() const {
  return std::all_of(invariants.begin(), invariants.end(),
                     [](const Check& c) { return c.findings.empty(); });
}

Reconciliation reconcile(store::Database& db, Date as_of) {
  base::Progress quiet(false);
  const Night night = read_night(db, as_of, quiet);
  return reconcile_night(db, night, quiet);
}

std::string reconciliation_json(const Reconciliation& r) {
  base::JsonWriter w;
  w.begin_object()
      .field("as_of", format_date(r.as_of))
      .field("cutoff", format_instant(r.cutoff))
      .field("clean", r.clean());
  w.key("sync").begin_object().key("changes_by_outcome").begin_object();
  for (const auto& [outcome, n] : r.changes_by_outcome) w.field(outcome, n);
  w.end_object().field("devices", r.devices_synced).end_object();
  w.key("invariants").begin_array();
  for (const auto& check : r.invariants) write_check(w, check);
  w.end_array().key("flags").begin_array();
  for (const auto& check : r.flags) write_check(w, check);
  w.end_array().end_object();
  return w.str() + "\n";
}

BatchResult run_batch(store::Database& db, Date as_of, const std::filesystem::path& out,
                      Instant run_at, base::Progress& progress) {
  BatchResult result;
  std::map<std::string, std::string> files;  // name -> bytes
  std::filesystem::path target = std::filesystem::absolute(out).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();  // "out/" is "out"
  std::filesystem::create_directories(target.parent_path());
  const OutputLock lock(target);
  // What the run replaces or clears must be the nightly run's: the output, and what an
  // interrupted run left beside it.
  for (const char* suffix : {"", ".partial", ".previous"}) check_output(target.string() + suffix);
  Night night;
  // The run reads nearly the whole file. Mapped, every page read stays in the process's resident
  // memory (a national database is about a gigabyte); read through SQLite's page cache instead,
  // the run's memory is what it holds, not what it has read.
  db.execute("PRAGMA mmap_size = " + std::to_string(kBatchMappedBytes));
  {
    // One consistent view of the force for every report and check, however the server writes
    // meanwhile.
    store::ReadSnapshot snapshot(db);
    night = read_night(db, as_of, progress);
    result.reconciliation = reconcile_night(db, night, progress);
  }
  progress.stage("files");
  const auto& r = result.reconciliation;
  files["overdue.json"] = reports::overdue_report_json(night.overdue, &night.stamp) + "\n";
  files["overdue.csv"] = reports::overdue_report_csv(night.overdue);
  files["suspects.json"] = reports::suspects_report_json(night.suspects, &night.stamp) + "\n";
  files["suspects.csv"] = reports::suspects_report_csv(night.suspects);
  files["compliance.json"] = reports::compliance_report_json(night.compliance, &night.stamp) + "\n";
  files["devices.json"] = reports::devices_report_json(night.stamp, night.cutoff) + "\n";
  files["reconcile.json"] = reconciliation_json(r);

  // The night's backlog, kept for the trend; a rerun for the date replaces it.
  progress.stage("backlog snapshot");
  reports::record_backlog_snapshot(db, night.overdue, format_instant(run_at));
  const auto trend = reports::backlog_trend(db, as_of, {});
  files["summary.html"] = summary_html(night, r, trend);

  base::JsonWriter manifest;
  manifest.begin_object()
      .field("as_of", format_date(as_of))
      .field("run_at", format_instant(run_at))
      .field("clean", r.clean())
      .key("files")
      .begin_array();
  for (const auto& [name, bytes] : files) {
    manifest.begin_object()
        .field("name", name)
        .field("bytes", static_cast<std::int64_t>(bytes.size()))
        .field("sha256", base::sha256_hex(bytes))
        .end_object();
  }
  manifest.end_array().end_object();
  files["manifest.json"] = manifest.str() + "\n";

  // Written aside (what an interrupted run left there goes first), then renamed into place.
  const std::filesystem::path partial = target.string() + ".partial";
  std::filesystem::remove_all(partial);
  std::filesystem::create_directory(partial);
  for (const auto& [name, bytes] : files) {
    write_file(partial / name, bytes);
    result.files.push_back(name);
  }
  sync_folder(partial);
  publish(partial, target);
  progress.finish();
  return result;
}

}  // namespace vigil::backoffice
