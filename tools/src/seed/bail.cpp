// The seed's pre-charge bail cases and those released under investigation: extensions,
// conditions and reviews (Seeder, seeder.hpp).
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "seed/seeder.hpp"
#include "seed/words.hpp"
#include "seed/writers.hpp"
#include "vigil/rules/bail.hpp"

namespace vigil::backoffice::seed_detail {

// The arrest date decides the law (docs/domain.md, pre-charge bail): arrests before 3 April 2017
// had no limit; from then to 27 October 2022, 28 days then 3 months then the court; from 28
// October 2022, 3 months (6 in serious fraud cases), then 6, 9 and 12 months, then the court.
Day Seeder::pick_arrest_date() {
  const Day act_2017 = day_of(date::year{2017} / 4 / 3);
  const Day act_2022 = day_of(date::year{2022} / 10 / 28);
  struct Range {
    Day first;
    Day last;
    int weight;
  };
  std::vector<Range> ranges;
  ranges.push_back({std::min(day_of(date::year{2015} / 1 / 1), plus_days(as_of_, -730)),
                    std::min(plus_days(act_2017, -1), as_of_), 10});
  if (as_of_ >= act_2017)
    ranges.push_back({act_2017, std::min(plus_days(act_2022, -1), as_of_), 30});
  if (as_of_ >= act_2022) ranges.push_back({act_2022, as_of_, 60});
  int total = 0;
  for (const auto& r : ranges) total += r.weight;
  int roll = dice_.between(0, total - 1);
  for (const auto& r : ranges) {
    if (roll < r.weight) {
      // Most recent first: arrests thin out towards the start of each range.
      return plus_days(r.last, -dice_.skewed(0, days_from(r.first, r.last), 1.6));
    }
    roll -= r.weight;
  }
  return as_of_;
}

std::string Seeder::authoriser(BailAuthority authority) {
  switch (authority) {
    case BailAuthority::custody_officer:
      return "Sgt " + std::string(dice_.pick(kSurnames));
    case BailAuthority::inspector:
      return "Insp " + std::string(dice_.pick(kSurnames));
    case BailAuthority::superintendent:
      return "Supt " + std::string(dice_.pick(kSurnames));
    case BailAuthority::assistant_chief_constable:
      return "ACC " + std::string(dice_.pick(kSurnames));
    case BailAuthority::magistrates_court:
      return std::string(dice_.pick(kTowns)) + " Magistrates' Court";
  }
  return {};
}

Day Seeder::months_beginning_with_day(Day start, int months) {
  return day_of(months_beginning_with(Date{start}, months));
}

// The extensions that kept bail running until `until` (or until it lapsed); returns the end of
// the last period, which is the answer-bail date. The stages are core's timetable for the
// arrest; past its last stage the court extends again, 3 months at a time under the 2017 law
// and 6 under the 2022 law.
Day Seeder::plan_bail_periods(Day arrested, bool serious_fraud, Day until, bool lapses,
                              std::vector<PlannedExtension>& extensions) {
  const BailTimetable timetable =
      bail_timetable(Date{arrested}, serious_fraud ? CaseType::serious_fraud : CaseType::standard);
  const Day start = day_of(timetable.bail_start);
  const int court_step = timetable.regime == BailRegime::pcsa_2022 ? 6 : 3;
  int court_months = 0;
  Day end = day_of(timetable.stages.front().ends);
  std::size_t next = 1;
  // A few open cases were let lapse: nobody extended or ended the bail.
  const int lapse_after = lapses ? dice_.between(0, 2) : 1000;
  for (int made = 0; end < until && made < lapse_after; ++made) {
    // Authorised before the current period ends, as the law requires.
    const Day authorised = std::max(start, plus_days(end, -dice_.between(1, 7)));
    BailAuthority authority = BailAuthority::magistrates_court;
    if (next < timetable.stages.size()) {
      authority = timetable.stages[next].authority;
      end = day_of(timetable.stages[next++].ends);
    } else {
      Day further = end;
      while (further <= end) {
        court_months += court_step;
        further = months_beginning_with_day(start, court_months);
      }
      end = further;
    }
    extensions.push_back({end, authority, authorised});
  }
  return end;
}

void Seeder::write_bail_conditions(Writers& w, const std::string& case_id) {
  constexpr std::string_view kinds[] = {"no_contact",         "exclusion_zone", "curfew",
                                        "passport_surrender", "residence",      "other"};
  constexpr std::string_view details[] = {
      "Not to contact the complainant directly or indirectly",
      "Not to enter the area shown on the attached map",
      "To remain at the bail address between 20:00 and 07:00",
      "To surrender passport to the officer in the case within 24 hours",
      "To live and sleep at the bail address",
      "To report to the police station weekly"};
  if (!dice_.chance(0.7)) return;
  const std::size_t first = dice_.index(std::size(kinds));
  const int count = dice_.between(1, 3);
  for (int i = 0; i < count; ++i) {
    const std::size_t k = (first + static_cast<std::size_t>(i)) % std::size(kinds);
    const bool victim = k <= 1;  // the victim's views matter for contact and exclusion
    const std::string id = dice_.uuid();
    const std::string_view views = victim ? dice_.pick(kVictimViews) : std::string_view("");
    w.bail_conditions.insert(id, case_id, kinds[k], details[k], views);
  }
}

void Seeder::write_bail_cases(Writers& w) {
  progress_.stage("bail cases", shape_.bail_cases);
  const Day act_2017 = day_of(date::year{2017} / 4 / 3);
  const Day act_2022 = day_of(date::year{2022} / 10 / 28);
  std::vector<PlannedExtension> extensions;
  std::vector<std::pair<Day, Day>> reviews;  // reviewed on, expected finish
  for (int number = 1; number <= shape_.bail_cases; ++number) {
    const std::string case_id = dice_.uuid();
    const std::size_t officer = dice_.pick(offender_managers_);
    const Day arrested = pick_arrest_date();
    const int age = days_from(arrested, as_of_);
    const bool serious_fraud = dice_.chance(0.04);
    const std::string_view offence =
        serious_fraud ? dice_.pick(kSeriousFraud) : dice_.pick(kOffences).name;
    const double open_chance = age < 90 ? 0.85 : age < 365 ? 0.45 : age < 3 * 365 ? 0.12 : 0.03;
    const bool open = dice_.chance(open_chance);
    BailStatus status;
    if (open) {
      const double bail_share = arrested >= act_2022 ? 0.55 : arrested >= act_2017 ? 0.2 : 0.8;
      status = dice_.chance(bail_share) ? BailStatus::bail : BailStatus::rui;
    } else {
      status = dice_.chance(0.55) ? BailStatus::charged : BailStatus::nfa;
    }
    // Closed cases: when they closed, and whether the suspect was on bail until then.
    const Day closed =
        open ? as_of_ : std::min(as_of_, plus_days(arrested, dice_.between(1, std::min(age, 540))));
    const bool was_on_bail =
        status == BailStatus::bail || (!open && dice_.chance(arrested >= act_2022   ? 0.5
                                                             : arrested >= act_2017 ? 0.25
                                                                                    : 0.8));

    extensions.clear();
    std::optional<Day> answer_on;
    if (was_on_bail) {
      if (arrested < act_2017) {
        // No statutory limit then: an answer date set case by case.
        answer_on = open ? plus_days(as_of_, dice_.between(7, 60))
                         : plus_days(arrested, dice_.between(28, 120));
      } else {
        answer_on = plan_bail_periods(arrested, serious_fraud, closed, open && dice_.chance(0.08),
                                      extensions);
      }
    }
    reviews.clear();
    std::optional<Day> expected_finish;
    if (status == BailStatus::rui) {
      // RUI has no time limit, so the risk is drift: reviews every 28 days, some overdue.
      const bool drifting = dice_.chance(0.15);
      const Day last_review =
          plus_days(as_of_, drifting ? -dice_.between(29, 120) : -dice_.between(0, 27));
      for (Day on = last_review; on >= plus_days(arrested, 14) && on >= plus_days(as_of_, -180);
           on = plus_days(on, -dice_.between(21, 35))) {
        reviews.emplace_back(on, plus_days(on, dice_.between(28, 180)));
      }
      std::reverse(reviews.begin(), reviews.end());
      expected_finish =
          reviews.empty() ? plus_days(arrested, dice_.between(60, 180)) : reviews.back().second;
    }

    const std::string_view surname = dice_.pick(kSurnames);
    const std::string given = forenames();
    w.bail_cases.insert(
        case_id, numbered("BC-", number, 6), surname, given, offence, calendar_.text(arrested),
        serious_fraud ? "serious_fraud" : "standard", to_string(status), calendar_.text(answer_on),
        calendar_.text(expected_finish), officer_id(officer), teams_[officers_[officer].team].id);
    for (const auto& e : extensions) {
      const std::string id = dice_.uuid();
      const std::string by = authoriser(e.authority);
      w.bail_extensions.insert(id, case_id, calendar_.text(e.extended_to), to_string(e.authority),
                               by, calendar_.text(e.authorised_on));
    }
    if (was_on_bail) write_bail_conditions(w, case_id);
    const std::size_t reviewer = teams_[officers_[officer].team].sergeant;
    for (const auto& [on, finish] : reviews) {
      const std::string id = dice_.uuid();
      const std::string_view note = dice_.pick(kReviewNotes);
      w.rui_reviews.insert(id, case_id, calendar_.text(on), officer_id(reviewer),
                           calendar_.text(finish), note);
    }
    w.flush_if_large();
    progress_.update(number);
  }
}

}  // namespace vigil::backoffice::seed_detail
