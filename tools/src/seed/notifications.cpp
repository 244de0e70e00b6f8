// The seed's notifications by registered sex offenders (Seeder,
// seeder.hpp).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "seed/seeder.hpp"
#include "seed/words.hpp"
#include "seed/writers.hpp"

namespace vigil::backoffice::seed_detail {

// ---------------------------------------------------------------------------------------------
// Notifications by registered sex offenders

void Seeder::write_notifications(Writers& w) {
  std::vector<PlannedNotification> planned;
  for_each_nominal(w, "notifications", [&](const NominalSketch& n) {
    if (!n.notification) return;
    const NotificationSketch& s = *n.notification;
    w.notification_requirements.insert(n.id, n.id, calendar_.text(s.relevant_date),
                                       to_string(s.disposal), s.months, s.age);
    planned.clear();
    const Day floor = std::max(n.managed_since, window_start_);
    std::optional<Day> initial;
    if (n.managed_since >= window_start_) {
      // Initial notification within 3 days beginning with the release.
      initial = std::min(as_of_, plus_days(n.managed_since, dice_.between(0, 2)));
      planned.push_back(
          {"initial", n.managed_since, 0, initial, "Initial notification on release"});
    }
    // Yearly notifications, back from the last one; a few were late.
    const Day last = s.late_days > 0 ? plus_days(as_of_, -(365 + s.late_days))
                                     : plus_days(as_of_, -dice_.between(0, 330));
    std::vector<Day> yearly;
    if (last > (initial ? plus_days(*initial, 30) : n.managed_since)) {
      yearly.push_back(last);
      for (Day on = plus_days(last, -dice_.between(330, 364));
           on >= plus_days(floor, 30) && (!initial || on > plus_days(*initial, 30));
           on = plus_days(
               on, dice_.chance(0.03) ? -dice_.between(366, 385) : -dice_.between(330, 364))) {
        yearly.push_back(on);
      }
    }
    std::reverse(yearly.begin(), yearly.end());
    for (std::size_t i = 0; i < yearly.size(); ++i) {
      const Day previous = i > 0     ? yearly[i - 1]
                           : initial ? *initial
                                     : plus_days(yearly[i], -dice_.between(330, 364));
      planned.push_back({"periodic", previous, 0, yearly[i], "Periodic notification"});
    }
    if (s.late_days == 0) {
      if (n.no_fixed_abode) {
        // With no sole or main residence, notification is weekly.
        Day previous = n.nfa_since;
        for (Day on = plus_days(n.nfa_since, dice_.between(0, 2)); on <= as_of_;
             on = plus_days(on, dice_.between(5, 7))) {
          planned.push_back({"periodic", previous, 0, on, "Weekly notification: no fixed abode"});
          previous = on;
        }
      }
      if (n.moved_on) {
        const int excluded = dice_.chance(0.1) ? dice_.between(1, 5) : 0;
        const Day notified =
            std::min(as_of_, plus_days(*n.moved_on, dice_.between(0, 2) + excluded));
        planned.push_back({"change", *n.moved_on, excluded, notified, "Change of home address"});
      }
      if (dice_.chance(0.05)) {
        const Day travel = plus_days(as_of_, -dice_.between(10, 700));
        if (travel > plus_days(floor, 30)) {
          planned.push_back({"foreign_travel", travel, 0, plus_days(travel, -dice_.between(7, 30)),
                             "Travel to Spain for one week"});
        }
      }
      if (s.pending_change) {
        planned.push_back(
            {"change", plus_days(as_of_, -dice_.between(0, 20)), 0, std::nullopt,
             dice_.chance(0.5) ? "Staying 7 days at another address" : "Change of name"});
      }
    }
    for (const auto& p : planned) {
      w.notifications.insert(dice_.uuid(), n.id, p.kind, calendar_.text(p.event_on),
                             p.excluded_days, calendar_.text(p.notified_on), p.detail);
    }
  });
}

}  // namespace vigil::backoffice::seed_detail
