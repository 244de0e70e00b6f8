#include "vigil/rules/bail.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace vigil {
namespace {

// Policing and Crime Act 2017 limits apply to arrests from this day.
constexpr Date kPcsa2017From{date::year{2017}, date::April, date::day{3}};
// The Police, Crime, Sentencing and Courts Act 2022 timetable applies to arrests from this day.
constexpr Date kPcsa2022From{date::year{2022}, date::October, date::day{28}};

// "an inspector", "a superintendent": the label with its article, for the middle of a sentence.
std::string with_article(BailAuthority authority) {
  std::string_view label = bail_authority_label(authority);
  bool vowel = authority == BailAuthority::inspector ||
               authority == BailAuthority::assistant_chief_constable;
  return std::string(vowel ? "an " : "a ") + std::string(label);
}

ExtensionDecision refuse(std::string reason) {
  return ExtensionDecision{false, std::move(reason)};
}

// The last stage a police officer (rather than the court) may authorise.
std::optional<BailStage> last_police_stage(const BailTimetable& timetable) {
  for (auto it = timetable.stages.rbegin(); it != timetable.stages.rend(); ++it) {
    if (it->authority != BailAuthority::magistrates_court) return *it;
  }
  return std::nullopt;
}

}  // namespace

BailRegime bail_regime(Date arrested_on) {
  if (arrested_on < kPcsa2017From) return BailRegime::none;
  if (arrested_on < kPcsa2022From) return BailRegime::pcsa_2017;
  return BailRegime::pcsa_2022;
}

BailTimetable bail_timetable(Date arrested_on, CaseType case_type) {
  BailTimetable timetable{add_days(arrested_on, 1), bail_regime(arrested_on), {}};
  const Date start = timetable.bail_start;
  auto months = [start](BailAuthority who, int count) {
    return BailStage{who, months_beginning_with(start, count)};
  };
  switch (timetable.regime) {
    case BailRegime::none:
      break;
    case BailRegime::pcsa_2017:
      // The 2017 Act gave serious fraud no longer periods, so both case types share this.
      timetable.stages = {
          BailStage{BailAuthority::inspector, days_beginning_with(start, 28)},
          months(BailAuthority::superintendent, 3),
          months(BailAuthority::magistrates_court, 6),
      };
      break;
    case BailRegime::pcsa_2022:
      if (case_type == CaseType::serious_fraud) {
        // The longer initial period replaces the inspector's stage.
        timetable.stages = {
            months(BailAuthority::custody_officer, 6),
            months(BailAuthority::superintendent, 9),
            months(BailAuthority::assistant_chief_constable, 12),
            months(BailAuthority::magistrates_court, 18),
        };
      } else {
        timetable.stages = {
            months(BailAuthority::custody_officer, 3),
            months(BailAuthority::inspector, 6),
            months(BailAuthority::superintendent, 9),
            months(BailAuthority::assistant_chief_constable, 12),
            months(BailAuthority::magistrates_court, 18),
        };
      }
      break;
  }
  return timetable;
}

ExtensionDecision check_extension(const BailTimetable& timetable,
                                  const BailExtensionRequest& request) {
  if (timetable.regime == BailRegime::none || timetable.stages.empty()) {
    return refuse(
        "no extension is needed: arrests before 3 April 2017 have no statutory bail limit");
  }
  const std::string current_end = format_date(request.current_end);
  const std::string extended_to = format_date(request.extended_to);
  const std::string authorised_on = format_date(request.authorised_on);
  const Date arrested_on = add_days(timetable.bail_start, -1);
  if (request.authorised_on < arrested_on) {
    return refuse("the extension is dated " + authorised_on + ", before the arrest on " +
                  format_date(arrested_on) + ", so the date must be wrong");
  }
  if (request.authorised_on > request.current_end) {
    return refuse("the extension was authorised on " + authorised_on +
                  ", after the bail period ended on " + current_end +
                  ": an extension must be authorised before the current period ends");
  }
  if (!request.representations_considered) {
    return refuse("the extension to " + extended_to +
                  " cannot be authorised until the suspect's representations have been "
                  "considered");
  }
  if (request.extended_to <= request.current_end) {
    return refuse("the new end " + extended_to + " must be after the current end of bail, " +
                  current_end);
  }
  const bool by_court = request.authority == BailAuthority::magistrates_court;
  if (by_court) return ExtensionDecision{true, {}};

  const BailStage& last = timetable.stages.back();
  if (request.extended_to > last.ends) {
    return refuse("an extension to " + extended_to + " is beyond the last stage of the " +
                  "timetable, which ends on " + format_date(last.ends) +
                  ", and only a magistrates' court can authorise it");
  }
  auto needed = std::find_if(timetable.stages.begin(), timetable.stages.end(),
                             [&](const BailStage& s) { return s.ends >= request.extended_to; });
  // The last stage ends on or after extended_to (checked above), so a stage is always found.
  if (needed->authority == BailAuthority::magistrates_court) {
    auto police = last_police_stage(timetable);
    return refuse("an extension to " + extended_to +
                  " must be authorised by a magistrates' court: police officers can extend bail "
                  "only to " +
                  (police ? format_date(police->ends) : current_end));
  }
  if (index_of(request.authority) < index_of(needed->authority)) {
    return refuse("an extension to " + extended_to + " must be authorised by " +
                  with_article(needed->authority) + " or a more senior officer, not " +
                  with_article(request.authority));
  }
  return ExtensionDecision{true, {}};
}

std::optional<BailStage> next_stage(const BailTimetable& timetable, Date current_end) {
  if (timetable.regime == BailRegime::none) return std::nullopt;
  for (const BailStage& stage : timetable.stages) {
    if (stage.ends > current_end) return stage;
  }
  return std::nullopt;
}

std::optional<BailStage> next_extension(const BailTimetable& timetable, Date current_end) {
  auto stage = next_stage(timetable, current_end);
  if (!stage) return std::nullopt;
  // Bail lapses at the end of current_end, so that day is the last on which to authorise more.
  return BailStage{stage->authority, current_end};
}

std::string_view bail_authority_label(BailAuthority authority) {
  static constexpr std::array<std::string_view, enum_count<BailAuthority>()> kLabels{
      "custody officer", "inspector", "superintendent", "assistant chief constable",
      "magistrates' court"};
  return kLabels.at(index_of(authority));
}

Date rui_review_due(Date last_review_or_release, const Policy& policy) {
  return add_days(last_review_or_release, policy.rui_review_every_days);
}

Date suspect_review_due(Date last_review_or_outstanding_since, const Policy& policy) {
  return add_days(last_review_or_outstanding_since, policy.suspect_review_every_days);
}

Date suspect_trace_due(std::optional<Date> last_trace_on, Date outstanding_since,
                       const Policy& policy) {
  // A trace made before the suspect became outstanding (for an earlier matter) does not count.
  Date since = last_trace_on ? std::max(*last_trace_on, outstanding_since) : outstanding_since;
  return add_days(since, policy.suspect_no_trace_flag_days);
}

bool suspect_trace_overdue(std::optional<Date> last_trace_on, Date outstanding_since, Date as_of,
                           const Policy& policy) {
  return as_of > suspect_trace_due(last_trace_on, outstanding_since, policy);
}

std::optional<std::string> check_suspect_close(int open_actions, bool override_reason_given) {
  if (open_actions <= 0 || override_reason_given) return std::nullopt;
  return "the suspect has " + std::to_string(open_actions) + " open action" +
         (open_actions == 1 ? "" : "s") + ": complete or cancel " +
         (open_actions == 1 ? "it" : "them") +
         " first, or a supervisor closes the suspect with a reason for leaving " +
         (open_actions == 1 ? "it" : "them") + " open (close_reason)";
}

Date period_extended(const BailTimetable& timetable, const std::vector<Date>& other_extensions,
                     Date extended_to) {
  Date current_end = timetable.stages.empty() ? timetable.bail_start : timetable.stages[0].ends;
  for (const Date other : other_extensions) {
    if (other < extended_to && other > current_end) current_end = other;
  }
  return current_end;
}

}  // namespace vigil
