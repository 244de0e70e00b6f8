// `vigil-field`: the tablet (ARCHITECTURE.md), as a command for a tablet app's shell, for
// testing and for training. Each command opens the store it names and calls the Tablet; nothing
// here holds a rule. Exit status: 0 done, 1 failed (the server could not be reached or refused,
// the tablet is locked or was wiped), 2 bad usage or bad input; errors are one sentence on
// stderr, warnings at the door go to stderr too, before the record is saved.
#include <charconv>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "key_agent.hpp"
#include "vigil/base/cli.hpp"
#include "vigil/base/error.hpp"
#include "vigil/mobile/field_app.hpp"
#include "vigil/mobile/json.hpp"
#include "vigil/mobile/tablet.hpp"
#include "vigil/rules/text.hpp"

namespace {

namespace base = vigil::base;
using vigil::mobile::Tablet;

constexpr const char* kUsage =
    "usage: vigil-field --store PATH COMMAND [options]\n"
    "\n"
    "The tablet: an officer's caseload, offline, and the sync that carries what they record to\n"
    "the server exactly once.\n"
    "\n"
    "Commands:\n"
    "  enrol --server URL --username U [--device-name NAME] [--ca-file PEM]\n"
    "      Sign in (password on standard input), make the store encrypted under a key the\n"
    "      password unlocks, keep the device's token inside it, and take the scope.\n"
    "  lock | unlock        Lock the tablet; unlock it with the password (standard input).\n"
    "                       Unlocked, it stays so across commands until the policy's idle time\n"
    "                       (5 minutes) passes without one; 10 wrong passwords in a row wipe it.\n"
    "  password             Change the password that unlocks the tablet (current, then new\n"
    "                       twice, on standard input); the store is not rewritten.\n"
    "  sync [--json]        Send what was recorded, receive what changed; prints both, with\n"
    "                       conflicts and rejections.\n"
    "  caseload [--as-of DATE] [--json]\n"
    "                       Every nominal in scope: next visit due, days overdue, priority.\n"
    "  show REF --reason TEXT [--json]\n"
    "                       A nominal's record; the read is audited with its reason.\n"
    "  visit REF --announced yes|no --outcome seen|no_answer|refused|not_at_address\n"
    "        --attendee U [--attendee U ...] [--risk-change TEXT] [--note TEXT]\n"
    "        [--occurred-at INSTANT] [--crew-reason TEXT] [--announced-reason TEXT]\n"
    "        [--not-as-planned staff_shortage|no_vehicle|offender_not_present|other]\n"
    "        [--devices-checked TEXT]\n"
    "                       Record a visit; warnings are shown before it is saved, and one\n"
    "                       that asks why (fewer officers than the plan's crew, pre-arranged\n"
    "                       where the plan asks for unannounced) needs its reason option.\n"
    "  amend VISIT_ID --reason TEXT [--occurred-at I] [--announced yes|no] [--outcome O]\n"
    "        [--attendee U ...] [--risk-change TEXT] [--note TEXT]\n"
    "                       Record an amendment of a visit (the visit itself never changes).\n"
    "  nominal REF --set FIELD=VALUE [--set FIELD=VALUE ...]\n"
    "                       Change what an officer may change (area, no_fixed_abode, ...).\n"
    "  breach REF --order ORDER --condition TEXT --action TEXT\n"
    "                       Record a breach of an order (ORDER: its kind, such as shpo, or id).\n"
    "  follow-up BREACH_ID --action TEXT --status open|closed\n"
    "                       Record what was done about a breach (show --json has their ids).\n"
    "  encounter NUMBER --place TEXT [--criminal] [--sexual] [--markers TEXT]\n"
    "        [--home-area TEXT]\n"
    "                       Record an encounter with a young person at risk, by their\n"
    "                       anonymised number (new to the tablet: recorded with it).\n"
    "  chase REFERRAL_ID [--note TEXT]\n"
    "                       Record a chase of an overdue safeguarding referral.\n"
    "  trace SUSPECT_REF --note TEXT\n"
    "                       Record a trace enquiry for an outstanding suspect.\n"
    "  correct CHANGE_ID --set FIELD=VALUE [--set FIELD=VALUE ...]\n"
    "                       Make a change the server rejected again, corrected (status lists\n"
    "                       them with their ids); it goes up at the next sync.\n"
    "  let-go CHANGE_ID     Drop a rejected change once its reason is read (the server keeps it,\n"
    "                       refused, for the supervisor).\n"
    "  serve [--port N]     Serve the officer's app on 127.0.0.1 (docs/field-app.md) until\n"
    "                       interrupted; prints the one address that opens it, once.\n"
    "  returned [--json]    What a supervisor returned with a comment and has not signed off\n"
    "                       since: the officer's own first (received at a sync).\n"
    "  status [--json]      Changes waiting, last sync, rejected changes, records set aside,\n"
    "                       open conflicts.\n"
    "\n"
    "Exit status: 0 done, 1 failed, 2 bad usage or bad input.\n";

int exit_status(vigil::mobile::Problem problem) {
  return problem == vigil::mobile::Problem::bad_input ? vigil::base::kExitUsage
                                                      : vigil::base::kExitFailure;
}

bool yes_no_option(const base::Args& args, std::string_view name) {
  const std::string text = args.required(name);
  const auto parsed = vigil::parse_yes_no(text);
  if (!parsed) {
    throw base::UsageError("--" + std::string(name) + " must be yes or no, not '" + text + "'");
  }
  return *parsed;
}

vigil::Instant instant_option(const std::string& text, std::string_view name) {
  const auto parsed = vigil::parse_instant(text);
  if (!parsed) {
    throw base::UsageError("--" + std::string(name) + " '" + text +
                           "' is not an instant in the form YYYY-MM-DDTHH:MM:SSZ");
  }
  return *parsed;
}

std::string joined(const std::vector<std::string>& items, const char* between) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : between) + item;
  return out;
}

std::string one_positional(const base::Args& args, const char* what) {
  if (args.positionals().size() != 1) throw base::UsageError(std::string("name one ") + what);
  return args.positionals().front();
}

// With --json, prints the answer `json` makes (the one form every front end shares) and tells the
// command so: it then prints no text.
template <class Json>
bool printed_json(const base::Args& args, Json json) {
  if (!args.flag("json")) return false;
  std::cout << json() << '\n';
  return true;
}

void print_warnings(const std::vector<vigil::VisitWarning>& warnings) {
  for (const auto& warning : warnings) std::cerr << "warning: " << warning.text << '\n';
}

int cmd_enrol(Tablet& tablet, const base::Args& args) {
  const std::string server = args.required("server");
  const std::string username = args.required("username");
  const std::string password = vigil::base::read_secret("Password for " + username + ": ");
  vigil::mobile::LinkOptions link;
  link.ca_file = args.value("ca-file").value_or("");
  const auto report = tablet.enrol(server, username, password,
                                   args.value("device-name").value_or("vigil-field"), link);
  const auto status = tablet.status();
  std::cout << "enrolled " << status.officer << " (" << vigil::to_string(status.role) << ") with "
            << status.server << " as device " << status.device_id << "; took " << report.received
            << " records of the scope\n";
  return vigil::base::kExitOk;
}

void print_sync(const vigil::mobile::SyncReport& r, bool json) {
  if (json) {
    std::cout << vigil::mobile::to_json(r) << '\n';
    return;
  }
  std::cout << "up: " << r.pushed << " sent, " << r.applied << " applied, " << r.duplicates
            << " already there, " << r.conflicts << " in conflict, " << r.rejected << " rejected\n";
  for (const auto& line : r.rejections) std::cout << "  rejected " << line << '\n';
  std::cout << "down: " << r.received << " records and changes, " << r.purged
            << " removed from scope" << (r.took_scope ? " (whole scope taken)" : "") << '\n';
  if (!r.drift.empty()) std::cout << "scope taken afresh: " << r.drift << '\n';
  if (r.set_aside > 0) {
    std::cout << "set aside (could not be stored; see status): " << r.set_aside << '\n';
  }
  std::cout << "open conflicts on the scope: " << r.open_conflicts << '\n';
}

int cmd_caseload(Tablet& tablet, const base::Args& args) {
  vigil::Date as_of = vigil::london_date(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  if (auto text = args.value("as-of")) {
    auto parsed = vigil::parse_date(*text);
    if (!parsed) throw base::UsageError("--as-of '" + *text + "' is not a real date (YYYY-MM-DD)");
    as_of = *parsed;
  }
  const auto entries = tablet.caseload(as_of);
  if (printed_json(args, [&] { return vigil::mobile::caseload_json(entries, as_of); })) {
    return vigil::base::kExitOk;
  }
  std::cout << "caseload as of " << vigil::format_date(as_of) << ": " << entries.size()
            << " nominals\n";
  for (const auto& e : entries) {
    std::cout << e.nominal_ref << "  " << e.name << "  " << vigil::to_string(e.risk_level)
              << "  next visit "
              << (e.next_visit_due ? vigil::format_date(*e.next_visit_due) : "not scheduled")
              << (e.days_overdue > 0 ? "  " + std::to_string(e.days_overdue) + " days overdue" : "")
              << "  priority " << e.priority << (e.double_crewed ? "  double-crewed" : "")
              << (e.no_fixed_abode ? "  no fixed abode" : "") << '\n';
    if (!e.reasons.empty()) std::cout << "    " << joined(e.reasons, "; ") << '\n';
  }
  return vigil::base::kExitOk;
}

int cmd_show(Tablet& tablet, const base::Args& args) {
  const auto record =
      tablet.show(one_positional(args, "nominal reference"), args.required("reason"));
  const auto lists = {std::pair{"addresses", &record.addresses},
                      {"plans", &record.plans},
                      {"assessments", &record.assessments},
                      {"orders", &record.orders},
                      {"visits", &record.visits}};
  if (printed_json(args, [&] { return vigil::mobile::to_json(record); })) {
    return vigil::base::kExitOk;
  }
  for (const auto& [name, value] : record.nominal) {
    std::cout << name << ": " << value.value_or("") << '\n';
  }
  for (const auto& [name, list] : lists) {
    std::cout << name << ": " << list->size() << '\n';
    for (const auto& fields : *list) {
      std::string line;
      for (const auto& [field, value] : fields) {
        if (field == "id" || field.ends_with("_id") || !value || value->empty()) continue;
        line += (line.empty() ? "" : ", ") + field + " " + *value;
      }
      std::cout << "  " << line << '\n';
    }
  }
  for (const auto& e : record.due) {
    std::cout << "next visit due: "
              << (e.next_visit_due ? vigil::format_date(*e.next_visit_due) : "not scheduled")
              << ", priority " << e.priority << '\n';
  }
  return vigil::base::kExitOk;
}

int cmd_serve(Tablet& tablet, const base::Args& args) {
  vigil::mobile::AppOptions options;
  if (auto port = args.value("port")) {
    unsigned number = 0;
    const auto [end, error] = std::from_chars(port->data(), port->data() + port->size(), number);
    if (error != std::errc() || end != port->data() + port->size() || number > 65535) {
      throw base::UsageError("--port '" + *port + "' is not a port (0 to 65535)");
    }
    options.port = static_cast<unsigned short>(number);
  }
  vigil::mobile::FieldApp app(tablet, options);
  std::cout << "vigil-field: the app is at " << app.launch_url()
            << " (open it once; stop with Ctrl-C)" << std::endl;
  app.run(true);
  return vigil::base::kExitOk;
}

int cmd_visit(Tablet& tablet, const base::Args& args) {
  vigil::mobile::VisitInput visit;
  visit.nominal_ref = one_positional(args, "nominal reference");
  visit.announced = yes_no_option(args, "announced");
  const std::string outcome = args.required("outcome");
  const auto parsed = vigil::parse_enum<vigil::VisitOutcome>(outcome);
  if (!parsed) {
    throw base::UsageError("--outcome '" + outcome + "' is not one of " +
                           vigil::allowed_values<vigil::VisitOutcome>());
  }
  visit.outcome = *parsed;
  visit.attendees = args.values("attendee");
  if (visit.attendees.empty()) throw base::UsageError("name who attended with --attendee");
  visit.risk_change = args.value("risk-change").value_or("");
  visit.note = args.value("note").value_or("");
  if (auto at = args.value("occurred-at")) visit.occurred_at = instant_option(*at, "occurred-at");
  visit.crew_reason = args.value("crew-reason").value_or("");
  visit.announced_reason = args.value("announced-reason").value_or("");
  visit.devices_checked = args.value("devices-checked").value_or("");
  if (auto code = args.value("not-as-planned")) {
    visit.not_as_planned = vigil::parse_enum<vigil::NotAsPlanned>(*code);
    if (!visit.not_as_planned) {
      throw base::UsageError("--not-as-planned '" + *code + "' is not one of " +
                             vigil::allowed_values<vigil::NotAsPlanned>());
    }
  }
  // The officer hears the warnings before the visit is saved; it is saved all the same, since
  // what happened at the door is evidence either way.
  print_warnings(tablet.visit_warnings(visit));
  const auto recorded = tablet.record_visit(visit);
  std::cout << "visit " << recorded.id << " saved; it goes to the server at the next sync\n";
  return vigil::base::kExitOk;
}

int cmd_amend(Tablet& tablet, const base::Args& args) {
  vigil::sync::FieldValues changes;
  if (auto at = args.value("occurred-at")) {
    changes["occurred_at"] = vigil::format_instant(instant_option(*at, "occurred-at"));
  }
  if (args.value("announced"))
    changes["announced"] = std::string(vigil::yes_no(yes_no_option(args, "announced")));
  if (auto outcome = args.value("outcome")) changes["outcome"] = *outcome;
  if (auto attendees = args.values("attendee"); !attendees.empty()) {
    changes["attendees"] = joined(attendees, ";");
  }
  if (auto risk = args.value("risk-change")) changes["risk_change"] = *risk;
  if (auto note = args.value("note")) changes["observations"] = *note;
  const auto recorded =
      tablet.amend_visit(one_positional(args, "visit id"), args.required("reason"), changes);
  std::cout << "amendment " << recorded.id << " saved\n";
  return vigil::base::kExitOk;
}

// The --set FIELD=VALUE options, as field values.
vigil::sync::FieldValues assignments(const base::Args& args) {
  vigil::sync::FieldValues values;
  for (const auto& assignment : args.values("set")) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw base::UsageError("--set '" + assignment + "' must be FIELD=VALUE");
    }
    values[assignment.substr(0, equals)] = assignment.substr(equals + 1);
  }
  return values;
}

int cmd_nominal(Tablet& tablet, const base::Args& args) {
  const auto values = assignments(args);
  const std::string ref = one_positional(args, "nominal reference");
  tablet.update_nominal(ref, values);
  std::cout << ref << " changed; it goes to the server at the next sync\n";
  return vigil::base::kExitOk;
}

int cmd_breach(Tablet& tablet, const base::Args& args) {
  const auto recorded =
      tablet.record_breach(one_positional(args, "nominal reference"), args.required("order"),
                           args.required("condition"), args.required("action"));
  std::cout << "breach " << recorded.id << " saved\n";
  return vigil::base::kExitOk;
}

int cmd_follow_up(Tablet& tablet, const base::Args& args) {
  const auto recorded = tablet.follow_up_breach(one_positional(args, "breach id"),
                                                args.required("action"), args.required("status"));
  std::cout << "follow-up " << recorded.id << " saved\n";
  return vigil::base::kExitOk;
}

int cmd_encounter(Tablet& tablet, const base::Args& args) {
  vigil::mobile::EncounterInput encounter;
  encounter.young_person = one_positional(args, "young person's number");
  encounter.place = args.required("place");
  encounter.criminal_exploitation = args.flag("criminal");
  encounter.sexual_exploitation = args.flag("sexual");
  encounter.markers = args.value("markers").value_or("");
  encounter.home_area = args.value("home-area").value_or("");
  const auto recorded = tablet.record_encounter(encounter);
  std::cout << "encounter " << recorded.id << " saved\n";
  return vigil::base::kExitOk;
}

int cmd_chase(Tablet& tablet, const base::Args& args) {
  const auto recorded =
      tablet.chase_referral(one_positional(args, "referral id"), args.value("note").value_or(""));
  std::cout << "chase " << recorded.id << " saved\n";
  return vigil::base::kExitOk;
}

int cmd_trace(Tablet& tablet, const base::Args& args) {
  const auto recorded =
      tablet.record_trace(one_positional(args, "suspect reference"), args.required("note"));
  std::cout << "trace enquiry " << recorded.id << " saved\n";
  return vigil::base::kExitOk;
}

int cmd_correct(Tablet& tablet, const base::Args& args) {
  const auto values = assignments(args);
  if (values.empty()) throw base::UsageError("name what to correct (--set FIELD=VALUE)");
  const auto recorded = tablet.correct(one_positional(args, "change id"), values);
  std::cout << "corrected; " << recorded.id << " goes to the server at the next sync\n";
  return vigil::base::kExitOk;
}

int cmd_let_go(Tablet& tablet, const base::Args& args) {
  tablet.let_go(one_positional(args, "change id"));
  std::cout << "let go; the server keeps it as rejected\n";
  return vigil::base::kExitOk;
}

int cmd_returned(Tablet& tablet, const base::Args& args) {
  const auto items = tablet.returned();
  if (printed_json(args, [&] { return vigil::mobile::returned_json(items); })) {
    return vigil::base::kExitOk;
  }
  std::cout << "returned by a supervisor: " << items.size() << '\n';
  for (const auto& r : items) {
    std::cout << "  " << (r.mine ? "yours: " : "team's: ") << r.subject << " " << r.subject_id
              << (r.nominal_ref.empty() ? "" : " of " + r.nominal_ref) << ", " << r.decided_at
              << ": " << r.comment << '\n';
  }
  return vigil::base::kExitOk;
}

int cmd_status(Tablet& tablet, const base::Args& args) {
  const auto s = tablet.status();
  if (printed_json(args, [&] { return vigil::mobile::to_json(s); })) return vigil::base::kExitOk;
  if (!s.enrolled) {
    std::cout << "not enrolled\n";
    return vigil::base::kExitOk;
  }
  std::cout << s.officer << " on " << s.server << (s.locked ? " (locked)" : "") << '\n';
  if (s.locked) {
    // Nothing of what the store holds, not even how much is waiting: it cannot be read.
    std::cout << "unlock the tablet to see what is waiting, rejected or in conflict\n";
    return vigil::base::kExitOk;
  }
  if (!s.scope_complete) {
    std::cout << "the scope is not all here yet: sync to finish taking it\n";
  }
  std::cout << "changes waiting to go up: " << s.pending << '\n'
            << "last successful sync: " << s.last_sync_at.value_or("never") << '\n'
            << "rejected changes: " << s.rejected.size() << '\n';
  for (const auto& r : s.rejected) {
    std::cout << "  change " << r.change_id << ": " << r.entity << " " << r.entity_id
              << (r.subject.empty() ? "" : " of " + r.subject) << ": " << r.reason << '\n';
  }
  std::cout << "records the tablet could not store (set aside): " << s.set_aside.size() << '\n';
  for (const auto& r : s.set_aside) {
    std::cout << "  " << r.entity << " " << r.entity_id << ": " << r.reason << '\n';
  }
  std::cout << "open conflicts: " << s.open_conflicts.size() << '\n';
  for (const auto& c : s.open_conflicts) {
    std::cout << "  " << c.entity << " " << c.entity_id << " " << c.field << ": kept '"
              << c.winning_value.value_or("") << "' over '" << c.losing_value.value_or("")
              << "', awaiting a supervisor\n";
  }
  return vigil::base::kExitOk;
}

int cmd_password(Tablet& tablet, const base::Args&) {
  const std::string current = vigil::base::read_secret("Current password: ");
  const std::string next = vigil::base::read_secret("New password: ");
  if (vigil::base::read_secret("New password again: ") != next) {
    throw base::UsageError("the two new passwords differ; the password is unchanged");
  }
  tablet.change_password(current, next);
  std::cout << "password changed\n";
  return vigil::base::kExitOk;
}

// The key agent (key_agent.hpp) keeps the tablet unlocked from one command to the next.
int run_with_key_agent(const std::string& store, const std::string& name,
                       int (*command)(Tablet&, const base::Args&), const base::Args& args) {
  namespace key_agent = vigil::mobile::key_agent;
  Tablet tablet(store);
  const bool unlocks = name == "enrol" || name == "unlock";
  if (!unlocks) {
    if (auto key = key_agent::fetch(store)) {
      try {
        tablet.resume(*key);
      } catch (const vigil::mobile::TabletError&) {
        key_agent::stop(store);  // not this store's key any more: the store was enrolled again
      }
    }
  }
  if (name == "lock") key_agent::stop(store);
  int status = 0;
  try {
    status = command(tablet, args);
  } catch (const vigil::mobile::TabletError& error) {
    if (error.problem() == vigil::mobile::Problem::wiped ||
        error.problem() == vigil::mobile::Problem::locked) {
      key_agent::stop(store);
    }
    throw;
  }
  if (unlocks) {
    try {
      key_agent::start(store, tablet.store_key(), tablet.idle_limit());
    } catch (const vigil::Error& error) {
      // Unlocked all the same, for this command: the next one asks for the password again.
      std::cerr << "warning: " << error.what() << "; each command will ask to be unlocked\n";
    }
  }
  return status;
}

struct Command {
  const char* name;
  int (*run)(Tablet&, const base::Args&);
  std::vector<base::Option> options;
};

int run(const std::vector<std::string>& words) {
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    (words.empty() ? std::cerr : std::cout) << kUsage;
    return words.empty() ? vigil::base::kExitUsage : vigil::base::kExitOk;
  }
  // --store comes before the command.
  std::string store;
  std::size_t at = 0;
  if (words[0] == "--store" && words.size() > 1) {
    store = words[1];
    at = 2;
  } else if (words[0].starts_with("--store=")) {
    store = words[0].substr(8);
    at = 1;
  }
  if (store.empty())
    throw base::UsageError("name the tablet's store first: vigil-field --store PATH ...");
  if (at >= words.size()) throw base::UsageError("name a command; see vigil-field --help");
  static const std::vector<Command> commands = {
      {"enrol", cmd_enrol, {{"server"}, {"username"}, {"device-name"}, {"ca-file"}}},
      {"lock",
       [](Tablet& t, const base::Args&) {
         t.lock();
         std::cout << "locked\n";
         return 0;
       },
       {}},
      {"unlock",
       [](Tablet& t, const base::Args&) {
         t.unlock(vigil::base::read_secret("Password: "));
         std::cout << "unlocked\n";
         return 0;
       },
       {}},
      {"sync",
       [](Tablet& t, const base::Args& args) {
         print_sync(t.sync(), args.flag("json"));
         return 0;
       },
       {{"json", false}}},
      {"caseload", cmd_caseload, {{"as-of"}, {"json", false}}},
      {"show", cmd_show, {{"reason"}, {"json", false}}},
      {"visit",
       cmd_visit,
       {{"announced"},
        {"outcome"},
        {"attendee", true, true},
        {"risk-change"},
        {"note"},
        {"occurred-at"},
        {"crew-reason"},
        {"announced-reason"},
        {"not-as-planned"},
        {"devices-checked"}}},
      {"amend",
       cmd_amend,
       {{"reason"},
        {"occurred-at"},
        {"announced"},
        {"outcome"},
        {"attendee", true, true},
        {"risk-change"},
        {"note"}}},
      {"nominal", cmd_nominal, {{"set", true, true}}},
      {"breach", cmd_breach, {{"order"}, {"condition"}, {"action"}}},
      {"follow-up", cmd_follow_up, {{"action"}, {"status"}}},
      {"encounter",
       cmd_encounter,
       {{"place"}, {"criminal", false}, {"sexual", false}, {"markers"}, {"home-area"}}},
      {"chase", cmd_chase, {{"note"}}},
      {"trace", cmd_trace, {{"note"}}},
      {"correct", cmd_correct, {{"set", true, true}}},
      {"let-go", cmd_let_go, {}},
      {"returned", cmd_returned, {{"json", false}}},
      {"status", cmd_status, {{"json", false}}},
      {"serve", cmd_serve, {{"port"}}},
      {"password", cmd_password, {}},
  };
  const std::string& name = words[at];
  const auto command = std::find_if(commands.begin(), commands.end(),
                                    [&](const Command& c) { return name == c.name; });
  if (command == commands.end()) {
    throw base::UsageError("unknown command '" + name + "'; see vigil-field --help");
  }
  const std::vector<std::string> rest(words.begin() + static_cast<std::ptrdiff_t>(at) + 1,
                                      words.end());
  base::Args args(rest, command->options);
  if (args.help()) {
    std::cout << kUsage;
    return vigil::base::kExitOk;
  }
  const bool takes_positional = name == "show" || name == "visit" || name == "amend" ||
                                name == "nominal" || name == "breach" || name == "follow-up" ||
                                name == "encounter" || name == "chase" || name == "trace" ||
                                name == "correct" || name == "let-go";
  if (!takes_positional && !args.positionals().empty()) {
    throw base::UsageError("unexpected argument '" + args.positionals().front() + "'");
  }
  return run_with_key_agent(store, name, command->run, args);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  if (words.size() == 3 && words[0] == vigil::mobile::key_agent::kAgentCommand) {
    vigil::mobile::key_agent::serve(words[1], std::chrono::seconds(std::stoll(words[2])));
  }
  return base::run_program(
      "vigil-field", [&] { return run(words); }, {},
      [](const std::exception& error) {
        const auto* tablet = dynamic_cast<const vigil::mobile::TabletError*>(&error);
        return tablet != nullptr ? exit_status(tablet->problem()) : vigil::base::kExitFailure;
      });
}
