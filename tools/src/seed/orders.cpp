// The seed's orders, their conditions and breaches (Seeder, seeder.hpp).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seed/seeder.hpp"
#include "seed/words.hpp"
#include "seed/writers.hpp"

namespace vigil::backoffice::seed_detail {

Seeder::OrderShape Seeder::order_for(NominalKind kind) {
  // At least five years, whatever leap days they hold.
  static const OrderShape kShpo{"shpo",
                                5 * 365 + 2,
                                0,
                                {"Not to have unsupervised contact with any child under 16",
                                 "Not to use any device capable of accessing the internet "
                                 "unless it keeps a history that is not deleted",
                                 "Not to loiter near schools, parks or playgrounds",
                                 "To notify the police of any relationship with a person who "
                                 "has children",
                                 "Not to use cloud storage without telling the police"}};
  static const OrderShape kSro{
      "sro",
      2 * 365,
      5 * 365,
      {"Not to approach or communicate with any child under 16",
       "Not to enter the named exclusion zone",
       "Not to use social media apps that allow private messaging",
       "To allow police to examine any device on request", "Not to offer lifts to children"}};
  static const OrderShape kVoo{
      "voo",
      2 * 365,
      5 * 365,
      {"Not to enter the named licensed premises",
       "Not to contact the named victim directly or indirectly", "Not to carry any bladed article",
       "To reside at the address approved by police",
       "Not to enter the exclusion zone shown on the map"}};
  static const OrderShape kSpo{
      "spo",
      2 * 365,
      0,
      {"Not to contact the victim by any means", "Not to go within 200 metres of the victim's home",
       "Not to monitor the victim online", "To attend the assessment for a perpetrator programme",
       "Not to send gifts to the victim or their family"}};
  static const OrderShape kCbo{
      "cbo",
      2 * 365,
      5 * 365,
      {"Not to enter the town centre exclusion zone",
       "Not to be in possession of open alcohol in public",
       "Not to associate with the named individuals", "To observe a curfew from 21:00 to 07:00",
       "Not to enter the named retail premises"}};
  switch (kind) {
    case NominalKind::rso:
      return dice_.chance(0.85) ? kShpo : kSro;
    case NominalKind::violent:
      return dice_.chance(0.6) ? kVoo : dice_.chance(0.6) ? kSpo : kCbo;
    case NominalKind::other:
      return dice_.chance(0.5) ? kCbo : kSpo;
    case NominalKind::pdp:
      return kSro;
  }
  return kCbo;
}

void Seeder::write_orders(Writers& w) {
  for_each_nominal(w, "orders", [&](const NominalSketch& n) {
    if (!n.has_order) return;
    const OrderShape shape = order_for(n.kind);
    std::optional<int> length;
    if (shape.max_days == 0) {
      if (dice_.chance(0.6)) length = dice_.between(shape.min_days, 15 * 365);
    } else {
      length = dice_.between(shape.min_days, shape.max_days);
    }
    // Made early enough for any breach, and still in force today.
    const int latest_made = std::max(n.recent_breach_days, 0) + 30;
    const int oldest_made =
        length ? std::max(latest_made, std::min(6 * 365, *length - 30)) : 6 * 365;
    const Day made = plus_days(as_of_, -dice_.between(latest_made, oldest_made));
    std::optional<Day> ends;
    if (length) ends = plus_days(made, *length);
    const std::string order_id = dice_.uuid();
    std::string court(dice_.pick(kTowns));
    court += dice_.chance(0.7) ? " Magistrates' Court" : " Crown Court";
    w.orders.insert(order_id, n.id, shape.kind, calendar_.text(made), calendar_.text(ends), court);

    struct Condition {
      std::string id;
      std::string_view text;
    };
    std::vector<Condition> conditions;
    const int count = dice_.between(2, 4);
    const std::size_t first = dice_.index(shape.conditions.size());
    for (int i = 0; i < count; ++i) {
      const auto text =
          shape.conditions[(first + static_cast<std::size_t>(i)) % shape.conditions.size()];
      conditions.push_back({dice_.uuid(), text});
      // Each prohibition may have its own period; most run with the order.
      std::optional<Day> condition_ends = ends;
      if (!ends && dice_.chance(0.3))
        condition_ends = plus_days(made, dice_.between(5 * 365 + 2, 10 * 365));
      w.order_conditions.insert(conditions.back().id, order_id, text, false,
                                calendar_.text(condition_ends));
    }
    if (shape.kind == "shpo" && dice_.chance(0.25)) {
      // Foreign travel bans last at most five years (they can be renewed).
      conditions.push_back({dice_.uuid(), "Not to travel outside the United Kingdom"});
      w.order_conditions.insert(conditions.back().id, order_id, conditions.back().text, true,
                                calendar_.text(plus_days(made, dice_.between(2 * 365, 5 * 365))));
    }
    if (n.recent_breach_days > 0) {
      std::vector<int> ago{n.recent_breach_days};
      const int made_ago = days_from(made, as_of_);
      if (dice_.chance(0.3) && made_ago - 1 > n.recent_breach_days) {
        ago.push_back(dice_.between(n.recent_breach_days + 1, made_ago - 1));
      }
      for (int days : ago) {
        const Condition& breached = dice_.pick(conditions);
        const Day on = plus_days(as_of_, -days);
        const std::string id = dice_.uuid();
        const Instant occurred_at = calendar_.at(on, dice_.between(7 * 3600, 22 * 3600));
        const auto occurred = calendar_.text(occurred_at);
        const std::string_view action = dice_.pick(kBreachActions);
        w.breaches.insert(id, n.id, order_id, breached.id, breached.text, occurred.view(), action,
                          officer_id(n.officer));
        // Followed up within the day, most of them: one in sixteen of the last 90 days' is not,
        // for the morning meeting to see. Decided by the id's digits, so the seed's other draws
        // are as they were.
        const auto digit = [&](std::size_t i) {
          const char c = id[i];
          return c >= 'a' ? c - 'a' + 10 : c - '0';
        };
        if (digit(0) == 0 && days <= 90) continue;
        const auto followed = calendar_.text(occurred_at + std::chrono::hours(1 + digit(1)));
        w.breach_follow_ups.insert(
            dice_.uuid(), id, followed.view(),
            kFollowUpActions[static_cast<std::size_t>(digit(2)) % std::size(kFollowUpActions)],
            days > 28 ? "closed" : "open", officer_id(n.officer));
      }
    }
  });
}

}  // namespace vigil::backoffice::seed_detail
