// The C API over Tablet. Every entry point catches everything: an exception must not unwind into
// a caller written in C.
#include "vigil/mobile.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>

#include "vigil/base/error.hpp"
#include "vigil/mobile/field_app.hpp"
#include "vigil/mobile/json.hpp"
#include "vigil/mobile/tablet.hpp"
#include "vigil/sync/wire.hpp"

struct vigil_tablet {
  vigil::mobile::Tablet tablet;
  std::mutex turn;     // the calls, and the served app's requests, take turns on the tablet
  std::mutex serving;  // guards `app`: starting and stopping it
  std::unique_ptr<vigil::mobile::FieldApp> app;  // declared last: stopped before the tablet goes
  explicit vigil_tablet(const char* path) : tablet(path) {}
};

namespace {

using vigil::mobile::Tablet;

thread_local std::string last_error;

vigil_status status_of(vigil::mobile::Problem problem) {
  using vigil::mobile::Problem;
  // In the order of Problem.
  static constexpr std::array<vigil_status, static_cast<std::size_t>(Problem::wiped) + 1> kStatuses{
      VIGIL_BAD_INPUT, VIGIL_NOT_ENROLLED, VIGIL_LOCKED, VIGIL_WRONG_PASSWORD,
      VIGIL_REFUSED,   VIGIL_UNREACHABLE,  VIGIL_WIPED};
  static_assert(std::ranges::none_of(kStatuses, [](vigil_status s) { return s == VIGIL_OK; }),
                "every problem has its status");
  return kStatuses.at(static_cast<std::size_t>(problem));
}

// Runs `work`, turning whatever it throws into a status and this thread's last error.
template <class Work>
vigil_status guarded(Work work) {
  last_error.clear();
  try {
    work();
    return VIGIL_OK;
  } catch (const vigil::mobile::TabletError& error) {
    last_error = error.what();
    return status_of(error.problem());
  } catch (const vigil::Error& error) {
    // Input the engine could not read (a malformed JSON object of fields) is the caller's.
    last_error = error.what();
    return error.code() == vigil::ErrorCode::invalid_input ? VIGIL_BAD_INPUT : VIGIL_FAILED;
  } catch (const std::exception& error) {
    last_error = error.what();
    return VIGIL_FAILED;
  } catch (...) {
    last_error = "an unexpected failure inside the tablet engine";
    return VIGIL_FAILED;
  }
}

// guarded(), in the tablet's turn (the header's threading rule).
template <class Work>
vigil_status in_turn(vigil_tablet* tablet, Work work) {
  std::unique_lock lock(tablet->turn);
  return guarded(work);
}

vigil_status missing(const char* what) {
  last_error = std::string(what) + " is missing (a NULL pointer was passed)";
  return VIGIL_BAD_INPUT;
}

char* copy(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

std::string text(const char* value) {
  return value == nullptr ? std::string() : std::string(value);
}

vigil::mobile::VisitInput visit_input(const vigil_visit& v) {
  vigil::mobile::VisitInput visit;
  visit.nominal_ref = text(v.nominal_ref);
  visit.announced = v.announced != 0;
  const auto outcome = vigil::parse_enum<vigil::VisitOutcome>(text(v.outcome));
  if (!outcome) {
    throw vigil::mobile::TabletError(vigil::mobile::Problem::bad_input,
                                     "The outcome '" + text(v.outcome) + "' is not one of " +
                                         vigil::allowed_values<vigil::VisitOutcome>() + ".");
  }
  visit.outcome = *outcome;
  for (std::size_t i = 0; i < v.attendee_count; ++i) {
    if (v.attendees == nullptr || v.attendees[i] == nullptr) {
      throw vigil::mobile::TabletError(vigil::mobile::Problem::bad_input,
                                       "Attendee " + std::to_string(i + 1) + " is missing.");
    }
    visit.attendees.emplace_back(v.attendees[i]);
  }
  visit.risk_change = text(v.risk_change);
  visit.note = text(v.note);
  visit.crew_reason = text(v.crew_reason);
  visit.announced_reason = text(v.announced_reason);
  visit.devices_checked = text(v.devices_checked);
  if (v.not_as_planned != nullptr && *v.not_as_planned != '\0') {
    visit.not_as_planned = vigil::parse_enum<vigil::NotAsPlanned>(v.not_as_planned);
    if (!visit.not_as_planned) {
      throw vigil::mobile::TabletError(vigil::mobile::Problem::bad_input,
                                       "The reason code '" + text(v.not_as_planned) +
                                           "' is not one of " +
                                           vigil::allowed_values<vigil::NotAsPlanned>() + ".");
    }
  }
  if (v.occurred_at != nullptr) {
    const auto at = vigil::parse_instant(v.occurred_at);
    if (!at) {
      throw vigil::mobile::TabletError(vigil::mobile::Problem::bad_input,
                                       "The time of the visit '" + text(v.occurred_at) +
                                           "' is not an instant (YYYY-MM-DDTHH:MM:SSZ).");
    }
    visit.occurred_at = *at;
  }
  return visit;
}

// The corrected or changed fields a caller passes as one JSON object of wire names.
vigil::sync::FieldValues fields_from(const char* json) {
  if (json == nullptr || *json == '\0') return {};
  return vigil::sync::decode_fields(json);
}

void answer(char** out, const std::string& json) {
  if (out != nullptr) *out = copy(json);
}

// An argument a call cannot do without, and how its error names it when NULL.
struct Required {
  const void* value;
  const char* what;
};

// The recording calls: *recorded_json cleared, the tablet and then each required argument checked
// in order, and `record` run in the tablet's turn; what it recorded is the answer ({"id",
// "warnings"}) where the caller asks for one.
template <class Record>
vigil_status recording(vigil_tablet* tablet, std::initializer_list<Required> required,
                       char** recorded_json, Record record) {
  if (recorded_json != nullptr) *recorded_json = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  for (const auto& argument : required) {
    if (argument.value == nullptr) return missing(argument.what);
  }
  return in_turn(tablet,
                 [&] { answer(recorded_json, vigil::mobile::to_json(record(tablet->tablet))); });
}

}  // namespace

extern "C" {

vigil_status vigil_open(const char* path, vigil_tablet** out) {
  if (out == nullptr) return missing("the place for the handle");
  *out = nullptr;
  if (path == nullptr) return missing("the store's path");
  return guarded([&] { *out = new vigil_tablet(path); });
}

void vigil_close(vigil_tablet* tablet) {
  delete tablet;
}

const char* vigil_last_error(void) {
  return last_error.c_str();
}

void vigil_free_string(char* text) {
  std::free(text);
}

vigil_status vigil_enrol(vigil_tablet* tablet, const char* server_url, const char* username,
                         const char* password, const char* device_name, const char* ca_file,
                         char** report_json) {
  if (report_json != nullptr) *report_json = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  if (server_url == nullptr) return missing("the server's address");
  if (username == nullptr) return missing("the username");
  if (password == nullptr) return missing("the password");
  return in_turn(tablet, [&] {
    vigil::mobile::LinkOptions link;
    link.ca_file = text(ca_file);
    const auto report = tablet->tablet.enrol(server_url, username, password,
                                             device_name ? device_name : "tablet", link);
    if (report_json != nullptr) *report_json = copy(vigil::mobile::to_json(report));
  });
}

vigil_status vigil_lock(vigil_tablet* tablet) {
  if (tablet == nullptr) return missing("the tablet");
  return in_turn(tablet, [&] { tablet->tablet.lock(); });
}

vigil_status vigil_change_password(vigil_tablet* tablet, const char* current, const char* next) {
  if (tablet == nullptr) return missing("the tablet");
  if (current == nullptr) return missing("the current password");
  if (next == nullptr) return missing("the new password");
  return in_turn(tablet, [&] { tablet->tablet.change_password(current, next); });
}

vigil_status vigil_unlock(vigil_tablet* tablet, const char* password) {
  if (tablet == nullptr) return missing("the tablet");
  if (password == nullptr) return missing("the password");
  return in_turn(tablet, [&] { tablet->tablet.unlock(password); });
}

vigil_status vigil_sync(vigil_tablet* tablet, char** report_json) {
  if (report_json != nullptr) *report_json = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  return in_turn(tablet, [&] {
    const auto report = tablet->tablet.sync();
    if (report_json != nullptr) *report_json = copy(vigil::mobile::to_json(report));
  });
}

vigil_status vigil_caseload(vigil_tablet* tablet, const char* as_of, char** caseload_json) {
  if (caseload_json == nullptr) return missing("the place for the caseload");
  *caseload_json = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  return in_turn(tablet, [&] {
    vigil::Date date = vigil::london_date(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    if (as_of != nullptr) {
      const auto parsed = vigil::parse_date(as_of);
      if (!parsed) {
        throw vigil::mobile::TabletError(
            vigil::mobile::Problem::bad_input,
            "The date '" + text(as_of) + "' is not a real date (YYYY-MM-DD).");
      }
      date = *parsed;
    }
    *caseload_json = copy(vigil::mobile::caseload_json(tablet->tablet.caseload(date), date));
  });
}

vigil_status vigil_visit_warnings(vigil_tablet* tablet, const vigil_visit* visit,
                                  char** warnings_json) {
  if (warnings_json == nullptr) return missing("the place for the warnings");
  *warnings_json = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  if (visit == nullptr) return missing("the visit");
  return in_turn(tablet, [&] {
    *warnings_json =
        copy(vigil::mobile::warnings_json(tablet->tablet.visit_warnings(visit_input(*visit))));
  });
}

vigil_status vigil_record_visit(vigil_tablet* tablet, const vigil_visit* visit,
                                char** recorded_json) {
  return recording(tablet, {{visit, "the visit"}}, recorded_json,
                   [&](Tablet& t) { return t.record_visit(visit_input(*visit)); });
}

vigil_status vigil_status_json(vigil_tablet* tablet, char** status_json) {
  if (status_json == nullptr) return missing("the place for the status");
  *status_json = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  return in_turn(tablet,
                 [&] { *status_json = copy(vigil::mobile::to_json(tablet->tablet.status())); });
}

vigil_status vigil_show(vigil_tablet* tablet, const char* nominal_ref, const char* reason,
                        char** record_json) {
  if (record_json == nullptr) return missing("the place for the record");
  *record_json = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  if (nominal_ref == nullptr) return missing("the nominal's reference");
  if (reason == nullptr) return missing("why the record is opened");
  return in_turn(tablet, [&] {
    *record_json = copy(vigil::mobile::to_json(tablet->tablet.show(nominal_ref, reason)));
  });
}

vigil_status vigil_officers(vigil_tablet* tablet, char** officers_json) {
  if (officers_json == nullptr) return missing("the place for the officers");
  *officers_json = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  return in_turn(tablet, [&] {
    *officers_json = copy(vigil::mobile::officers_json(tablet->tablet.officers()));
  });
}

vigil_status vigil_suspects(vigil_tablet* tablet, char** suspects_json) {
  if (suspects_json == nullptr) return missing("the place for the suspects");
  *suspects_json = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  return in_turn(tablet, [&] {
    *suspects_json = copy(vigil::mobile::suspects_json(tablet->tablet.suspects()));
  });
}

vigil_status vigil_amend_visit(vigil_tablet* tablet, const char* visit_id, const char* reason,
                               const char* changes_json, char** recorded_json) {
  return recording(
      tablet, {{visit_id, "the visit's id"}, {reason, "why the visit is amended"}}, recorded_json,
      [&](Tablet& t) { return t.amend_visit(visit_id, reason, fields_from(changes_json)); });
}

vigil_status vigil_record_breach(vigil_tablet* tablet, const char* nominal_ref, const char* order,
                                 const char* condition, const char* action, char** recorded_json) {
  return recording(tablet,
                   {{nominal_ref, "the nominal's reference"},
                    {order, "the order"},
                    {condition, "the condition"},
                    {action, "the action taken"}},
                   recorded_json, [&](Tablet& t) {
                     return t.record_breach(nominal_ref, order, condition, action);
                   });
}

vigil_status vigil_record_trace(vigil_tablet* tablet, const char* suspect_ref, const char* note,
                                char** recorded_json) {
  return recording(tablet, {{suspect_ref, "the suspect's reference"}, {note, "the enquiry's note"}},
                   recorded_json, [&](Tablet& t) { return t.record_trace(suspect_ref, note); });
}

vigil_status vigil_record_assessment(vigil_tablet* tablet, const char* nominal_ref,
                                     const char* risk_level, const char* risk_factors,
                                     const char* protective_factors, char** recorded_json) {
  return recording(
      tablet, {{nominal_ref, "the nominal's reference"}}, recorded_json, [&](Tablet& t) {
        const auto level = vigil::parse_enum<vigil::RiskLevel>(text(risk_level));
        if (!level) {
          throw vigil::mobile::TabletError(vigil::mobile::Problem::bad_input,
                                           "The risk level '" + text(risk_level) +
                                               "' is not one of " +
                                               vigil::allowed_values<vigil::RiskLevel>() + ".");
        }
        return t.record_assessment(nominal_ref, *level, text(risk_factors),
                                   text(protective_factors));
      });
}

vigil_status vigil_update_action(vigil_tablet* tablet, const char* action_id, const char* status,
                                 char** recorded_json) {
  return recording(tablet, {{action_id, "the action's id"}, {status, "the action's status"}},
                   recorded_json, [&](Tablet& t) { return t.update_action(action_id, status); });
}

vigil_status vigil_correct(vigil_tablet* tablet, const char* change_id,
                           const char* corrections_json, char** recorded_json) {
  return recording(tablet, {{change_id, "the rejected change's id"}}, recorded_json,
                   [&](Tablet& t) { return t.correct(change_id, fields_from(corrections_json)); });
}

vigil_status vigil_let_go(vigil_tablet* tablet, const char* change_id) {
  if (tablet == nullptr) return missing("the tablet");
  if (change_id == nullptr) return missing("the rejected change's id");
  return in_turn(tablet, [&] { tablet->tablet.let_go(change_id); });
}

vigil_status vigil_serve_start(vigil_tablet* tablet, unsigned short port, char** launch_url) {
  if (launch_url == nullptr) return missing("the place for the launch address");
  *launch_url = nullptr;
  if (tablet == nullptr) return missing("the tablet");
  // Not in the tablet's turn: the app takes that turn for each of its requests.
  std::unique_lock lock(tablet->serving);
  return guarded([&] {
    if (tablet->app) {
      throw vigil::mobile::TabletError(vigil::mobile::Problem::bad_input,
                                       "The app is already serving this tablet: stop it first.");
    }
    vigil::mobile::AppOptions options;
    options.port = port;
    options.turn = &tablet->turn;
    auto app = std::make_unique<vigil::mobile::FieldApp>(tablet->tablet, options);
    app->start();
    *launch_url = copy(app->launch_url());
    tablet->app = std::move(app);
  });
}

vigil_status vigil_serve_stop(vigil_tablet* tablet) {
  if (tablet == nullptr) return missing("the tablet");
  std::unique_lock lock(tablet->serving);
  return guarded([&] { tablet->app.reset(); });
}

}  // extern "C"
