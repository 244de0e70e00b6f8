// The seed's outstanding suspects and their trace enquiries (Seeder, seeder.hpp).
#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seed/seeder.hpp"
#include "seed/words.hpp"
#include "seed/writers.hpp"

namespace vigil::backoffice::seed_detail {

const Offence& Seeder::offence_of_harm(int harm) {
  for (;;) {
    const Offence& offence = dice_.pick(kOffences);
    if (offence.harm == harm) return offence;
  }
}

void Seeder::write_suspects(Writers& w) {
  progress_.stage("suspects", shape_.suspects);
  for (int number = 1; number <= shape_.suspects; ++number) {
    const std::string suspect_id = dice_.uuid();
    const std::size_t officer = dice_.pick(offender_managers_);
    const int harm = 1 + static_cast<int>(dice_.weighted(std::array<int, 5>{8, 15, 25, 27, 25}));
    const Offence& offence = offence_of_harm(harm);
    const Day since = plus_days(as_of_, -dice_.skewed(0, 720, 2.0));
    const int outstanding = days_from(since, as_of_);
    std::optional<Day> circulated;
    if (dice_.chance(std::array{0.95, 0.85, 0.6, 0.4, 0.25}[static_cast<std::size_t>(harm - 1)])) {
      circulated = plus_days(since, dice_.between(0, std::min(14, outstanding)));
    }
    // Trace enquiries back from the latest; about a third have had none for weeks.
    std::vector<Day> traces;
    if (!dice_.chance(0.05)) {
      const Day latest =
          plus_days(as_of_, dice_.chance(0.35) ? -dice_.between(8, 120) : -dice_.between(0, 6));
      for (Day on = std::max(latest, since); on >= since && traces.size() < 6;
           on = plus_days(on, -dice_.between(3, 21))) {
        traces.push_back(on);
        if (dice_.chance(0.3)) break;
      }
      std::reverse(traces.begin(), traces.end());
    }
    std::optional<Day> last_trace;
    if (!traces.empty()) last_trace = traces.back();
    std::optional<Day> reviewed;
    if (outstanding >= 28 || dice_.chance(0.5)) {
      const Day candidate =
          plus_days(as_of_, dice_.chance(0.15) ? -dice_.between(29, 90) : -dice_.between(0, 27));
      reviewed = std::max(candidate, since);
    }
    const std::string_view surname = dice_.pick(kSurnames);
    const std::string given = forenames();
    const std::string_view status = dice_.chance(0.05) ? "warrant" : "outstanding";
    w.suspects.insert(suspect_id, numbered("SUS-", number, 6), surname, given, offence.name, harm,
                      calendar_.text(since), calendar_.text(circulated), calendar_.text(last_trace),
                      calendar_.text(reviewed), status, officer_id(officer),
                      teams_[officers_[officer].team].id);
    for (Day on : traces) {
      const std::string id = dice_.uuid();
      const auto occurred = calendar_.text(calendar_.at(on, dice_.between(8 * 3600, 19 * 3600)));
      const std::string_view note = dice_.pick(kTraceNotes);
      w.trace_enquiries.insert(id, suspect_id, occurred.view(), note, officer_id(officer));
    }
    w.flush_if_large();
    progress_.update(number);
  }
}

}  // namespace vigil::backoffice::seed_detail
