#include "vigil/reports/suspects_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "names.hpp"
#include "text_table.hpp"
#include "vigil/base/csv.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/people.hpp"
#include "vigil/reports/report_stamp.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/policy_versions.hpp"

namespace vigil::reports {
namespace {

// What aggravates an outstanding suspect's priority (suspects_report.hpp).
constexpr double kNoTraceShare = 0.5;
constexpr double kNotCirculatedShare = 0.25;

}  // namespace

SuspectsReport suspects_report(store::Database& db, Date as_of, const ReportScope& scope) {
  SuspectsReport report;
  report.as_of = as_of;
  const ReportReading reading(db, as_of);
  const auto teams = scope_team_ids(db, scope);
  const std::string in_scope = scope_condition(teams, "c.team_id");
  // Officers and teams are named from one look-up each rather than a join per row, and the rows
  // come in the copies' own order: every list is sorted below, each by a key that ends with the
  // unique ref.
  Names names(db, !teams);

  // Bail and RUI cases open now, with their latest extension and latest review, from their copy
  // clustered by team (migration 0022).
  auto& cases = db.cached(
      "SELECT c.ref, c.surname || ', ' || c.forenames, coalesce(c.officer_id, ''), c.team_id, "
      "c.arrested_on, c.case_type, c.status, c.expected_finish_on, c.extended_to, c.reviewed_on, "
      "c.surname, c.forenames, coalesce(c.date_of_birth, ''), (SELECT s.ref FROM suspects s "
      "WHERE s.id = c.suspect_id AND s.team_id = c.team_id) FROM team_open_cases c WHERE" +
      in_scope);
  cases.bind(1, teams);
  const auto person = [&](const store::Statement& s, int first) {
    return nominal_of(
        db, {s.column_text(first), s.column_text(first + 1), s.column_text(first + 2)}, teams);
  };
  while (cases.step()) {
    const Date arrested_on = date_column(cases, 4);
    const auto case_type = parse_enum<CaseType>(cases.column_view(5)).value_or(CaseType::standard);
    if (cases.column_view(6) == "bail") {
      const BailTimetable timetable = bail_timetable(arrested_on, case_type);
      if (timetable.stages.empty()) continue;  // before 2017: no statutory limit
      const Date end = optional_date_column(cases, 8).value_or(timetable.stages.front().ends);
      const int days_left = days_between(as_of, end);
      if (days_left > kSuspectsLookaheadDays) continue;
      // Once the period has ended no extension can be given (docs/domain.md: an extension
      // authorised after expiry is invalid), so none is named.
      report.bail.push_back({cases.column_text(0), cases.column_text(1),
                             names.username(cases.column_view(2)), names.team(cases.column_view(3)),
                             arrested_on, end, days_left,
                             days_left < 0 ? std::nullopt : next_stage(timetable, end),
                             person(cases, 10), cases.column_optional_text(13)});
    } else {
      const Date last = optional_date_column(cases, 9).value_or(arrested_on);
      const Date due = rui_review_due(last, reading.policy);
      if (days_between(as_of, due) > kSuspectsLookaheadDays) continue;
      report.rui.push_back(
          {cases.column_text(0), cases.column_text(1), names.username(cases.column_view(2)),
           names.team(cases.column_view(3)), last, due, std::max(0, days_between(due, as_of)),
           optional_date_column(cases, 7), person(cases, 10), cases.column_optional_text(13)});
    }
  }
  std::sort(report.bail.begin(), report.bail.end(), [](const auto& a, const auto& b) {
    return a.days_left != b.days_left ? a.days_left < b.days_left : a.ref < b.ref;
  });
  std::sort(report.rui.begin(), report.rui.end(), [](const auto& a, const auto& b) {
    return a.due != b.due ? a.due < b.due : a.ref < b.ref;
  });

  // Outstanding suspects, with the last trace enquiry and review recorded for each, from their
  // copy clustered by team (migration 0022).
  auto& suspects = db.cached(
      "SELECT c.ref, c.surname || ', ' || c.forenames, c.offence, coalesce(c.officer_id, ''), "
      "c.team_id, c.harm, c.outstanding_since, c.circulated_on, c.last_trace_on, "
      "max(coalesce(c.last_review_on, ''), coalesce(c.reviewed_on, '')), substr(c.traced_at, 1, "
      "10), c.surname, c.forenames, coalesce(c.date_of_birth, '') FROM team_outstanding_suspects "
      "c WHERE" +
      in_scope);
  suspects.bind(1, teams);
  while (suspects.step()) {
    OutstandingSuspect s;
    suspects.columns(0, s.ref, s.name, s.offence);
    s.officer = names.username(suspects.column_view(3));
    s.team = names.team(suspects.column_view(4));
    s.harm = static_cast<int>(std::clamp<std::int64_t>(suspects.column_int(5), 1, 5));
    const Date since = date_column(suspects, 6);
    s.circulated = !suspects.is_null(7);
    // The later of the trace date kept on the suspect and the last enquiry recorded (its UTC
    // date is near enough for a count of days).
    const auto kept = optional_date_column(suspects, 8);
    const auto recorded = optional_date_column(suspects, 10);
    s.last_trace_on = kept && recorded ? std::max(*kept, *recorded) : kept ? kept : recorded;
    s.days_outstanding = std::max(0, days_between(since, as_of));
    s.days_since_trace = std::max(
        0, days_between(s.last_trace_on ? std::max(*s.last_trace_on, since) : since, as_of));
    s.no_trace_flag = suspect_trace_overdue(s.last_trace_on, since, as_of, reading.policy);
    // The later of the review date kept on the suspect and the last review recorded ('' when
    // neither is).
    const auto reviewed = parse_date(suspects.column_view(9));
    s.review_due = suspect_review_due(reviewed.value_or(since), reading.policy);
    if (reading.policy.priority_list) {
      const auto& listed = reading.policy.priority_list->suspects;
      s.listed = std::find(listed.begin(), listed.end(), s.ref) != listed.end();
      if (s.listed) s.reasons.push_back("on the " + reading.policy.priority_list->name + " list");
    }
    const double harm_weight = std::ldexp(1.0, 5 - s.harm);
    const double age = 1.0 + s.days_outstanding / 90.0;
    double aggravation = 1.0;
    s.reasons.push_back("harm " + std::to_string(s.harm) + " (weight " +
                        std::to_string(static_cast<int>(harm_weight)) + ")");
    s.reasons.push_back(std::to_string(s.days_outstanding) + " days outstanding (" +
                        format_factor(age) + ")");
    if (s.no_trace_flag) {
      aggravation += kNoTraceShare;
      s.reasons.push_back("no trace activity for " + std::to_string(s.days_since_trace) +
                          " days (" + format_share(kNoTraceShare) + ")");
    }
    if (!s.circulated) {
      aggravation += kNotCirculatedShare;
      s.reasons.push_back("not circulated (" + format_share(kNotCirculatedShare) + ")");
    }
    s.priority = static_cast<int>(std::lround(10.0 * harm_weight * age * aggravation));
    s.nominal_ref = person(suspects, 11);
    report.suspects.push_back(std::move(s));
  }
  std::sort(report.suspects.begin(), report.suspects.end(), [](const auto& a, const auto& b) {
    if (a.listed != b.listed) return a.listed;
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.days_outstanding != b.days_outstanding) return a.days_outstanding > b.days_outstanding;
    return a.ref < b.ref;
  });

  // Of the arrests in the year up to the as-of date, how many are on bail and under investigation.
  auto& rates = db.cached(
      "SELECT count(*), coalesce(sum(c.status = 'bail'), 0), coalesce(sum(c.status = 'rui'), 0) "
      "FROM bail_cases c WHERE c.arrested_on > ?2 AND c.arrested_on <= ?3 AND" +
      in_scope);
  rates.bind(1, teams).bind(2, format_date(add_days(as_of, -365))).bind(3, format_date(as_of));
  rates.step();
  report.rates.arrests = static_cast<int>(rates.column_int(0));
  report.rates.on_bail = static_cast<int>(rates.column_int(1));
  report.rates.under_investigation = static_cast<int>(rates.column_int(2));
  rates.reset();
  if (report.rates.arrests > 0) {
    report.rates.bail_per_1000 = 1000.0 * report.rates.on_bail / report.rates.arrests;
    report.rates.rui_per_1000 = 1000.0 * report.rates.under_investigation / report.rates.arrests;
  }
  return report;
}

std::string suspects_report_json(const SuspectsReport& report, const ReportStamp* stamp) {
  return report_json(report.as_of, stamp, [&](base::JsonWriter& w) {
    w.key("bail").begin_array();
    for (const auto& b : report.bail) {
      w.begin_object().fields(
          {base::member("ref", b.ref), base::member("name", b.name),
           base::member("officer", b.officer), base::member("team", b.team),
           base::member("arrested_on", format_date(b.arrested_on)),
           base::member("bail_ends", format_date(b.current_end)),
           base::member("days_left", b.days_left), base::member("ended", b.days_left < 0),
           base::member("nominal_ref", b.nominal_ref), base::member("suspect_ref", b.suspect_ref)});
      w.key("extension");
      if (b.extension) {
        w.object({base::member("authority", std::string(to_string(b.extension->authority))),
                  base::member("label", std::string(bail_authority_label(b.extension->authority))),
                  base::member("by", format_date(b.current_end)),
                  base::member("furthest", format_date(b.extension->ends))});
      } else {
        w.null();
      }
      w.end_object();
    }
    w.end_array().key("rui_reviews").begin_array();
    for (const auto& r : report.rui) {
      w.object(
          {base::member("ref", r.ref), base::member("name", r.name),
           base::member("officer", r.officer), base::member("team", r.team),
           base::member("last_review", format_date(r.last_review)),
           base::member("due", format_date(r.due)), base::member("days_overdue", r.days_overdue),
           base::member("expected_finish_on",
                        r.expected_finish_on ? std::optional(format_date(*r.expected_finish_on))
                                             : std::nullopt),
           base::member("nominal_ref", r.nominal_ref), base::member("suspect_ref", r.suspect_ref)});
    }
    w.end_array().key("outstanding_suspects").begin_array();
    for (const auto& s : report.suspects) {
      w.begin_object()
          .fields({base::member("ref", s.ref), base::member("name", s.name),
                   base::member("offence", s.offence), base::member("officer", s.officer),
                   base::member("team", s.team), base::member("harm", s.harm),
                   base::member("days_outstanding", s.days_outstanding),
                   base::member("nominal_ref", s.nominal_ref)})
          .field("last_trace_on",
                 s.last_trace_on ? std::optional(format_date(*s.last_trace_on)) : std::nullopt)
          .fields({base::member("days_since_trace", s.days_since_trace),
                   base::member("no_trace_flag", s.no_trace_flag),
                   base::member("circulated", s.circulated),
                   base::member("review_due", format_date(s.review_due)),
                   base::member("priority", s.priority), base::member("listed", s.listed)})
          .key("reasons")
          .begin_array();
      for (const auto& reason : s.reasons) w.value(reason);
      w.end_array().end_object();
    }
    w.end_array();
    const auto& r = report.rates;
    w.key("rates")
        .begin_object()
        .fields({base::member("arrests", r.arrests), base::member("on_bail", r.on_bail),
                 base::member("under_investigation", r.under_investigation),
                 base::member("bail_per_1000_arrests", std::round(r.bail_per_1000 * 10) / 10),
                 base::member("rui_per_1000_arrests", std::round(r.rui_per_1000 * 10) / 10)})
        .end_object();
  });
}

std::string suspects_report_csv(const SuspectsReport& report) {
  std::string out = "section,ref,name,officer,team,date,days,authority,priority,detail\r\n";
  auto row = [&out](std::string_view section, const std::string& ref, const std::string& name,
                    const std::string& officer, const std::string& team, Date date, int days,
                    std::string_view authority, const std::string& priority,
                    const std::string& detail) {
    out += std::string(section) + ',' + base::csv_field(ref) + ',' + base::csv_field(name) + ',' +
           base::csv_field(officer) + ',' + base::csv_field(team) + ',' + format_date(date) + ',' +
           std::to_string(days) + ',' + std::string(authority) + ',' + priority + ',' +
           base::csv_field(detail) + "\r\n";
  };
  for (const auto& b : report.bail) {
    row("bail", b.ref, b.name, b.officer, b.team, b.current_end, b.days_left,
        b.extension ? to_string(b.extension->authority) : std::string_view(), "",
        b.days_left < 0 ? "bail period ended" : "bail period ends");
  }
  for (const auto& r : report.rui) {
    row("rui", r.ref, r.name, r.officer, r.team, r.due, r.days_overdue, "", "", "RUI review due");
  }
  for (const auto& s : report.suspects) {
    std::string reasons;
    for (const auto& reason : s.reasons) reasons += (reasons.empty() ? "" : "; ") + reason;
    row("suspect", s.ref, s.name, s.officer, s.team, s.review_due, s.days_since_trace, "",
        std::to_string(s.priority), reasons);
  }
  return out;
}

std::string suspects_report_table(const SuspectsReport& report) {
  std::string out;
  append_line(out, "Suspects as of %s\n\nBail ending within %d days or ended: %zu\n",
              format_date(report.as_of).c_str(), kSuspectsLookaheadDays, report.bail.size());
  for (const auto& b : report.bail) {
    const std::string when = b.days_left < 0 ? "ENDED " + counted(-b.days_left, "day") + " ago"
                                             : "in " + counted(b.days_left, "day");
    const std::string next =
        b.extension ? "extension by " + std::string(bail_authority_label(b.extension->authority))
        : b.days_left < 0 ? "lapsed: too late to extend"
                          : "no further extension";
    append_line(out, "  %-12s  ends %s  %s  %s\n", b.ref.c_str(),
                format_date(b.current_end).c_str(), when.c_str(), next.c_str());
  }
  append_line(out, "\nRUI reviews due: %zu\n", report.rui.size());
  for (const auto& r : report.rui) {
    append_line(out, "  %-12s  due %s  %d days overdue\n", r.ref.c_str(),
                format_date(r.due).c_str(), r.days_overdue);
  }
  append_line(out, "\nOutstanding suspects: %zu\n", report.suspects.size());
  for (const auto& s : report.suspects) {
    append_line(out, "  %6d  %-12s  harm %d  %4d days outstanding  %4d days since a trace%s\n",
                s.priority, s.ref.c_str(), s.harm, s.days_outstanding, s.days_since_trace,
                s.no_trace_flag ? "  NO TRACE" : "");
  }
  append_line(out, "\nArrests in the last year: %d; on bail %.1f and RUI %.1f per 1,000\n",
              report.rates.arrests, report.rates.bail_per_1000, report.rates.rui_per_1000);
  return out;
}

}  // namespace vigil::reports
