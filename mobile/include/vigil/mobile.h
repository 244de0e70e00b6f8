/* The tablet engine for a native tablet app (ARCHITECTURE.md): the same store, outbox,
 * rules and sync as vigil-field, behind a C interface.
 *
 * - Handles are opaque; every function takes the handle first and returns a vigil_status.
 * - No exception crosses this interface. When a call fails, vigil_last_error() gives one sentence
 *   for the officer, valid on the calling thread until its next call into this library.
 * - Answers come as JSON text (the forms `vigil-field --json` prints) in *out, allocated here and
 *   released with vigil_free_string(); *out is NULL when the call fails.
 * - A handle's calls take turns: a call waits while another thread's call, or the app served by
 *   vigil_serve_start, uses the same tablet; vigil_close must not overlap any other call on the
 *   handle. Different handles may be used at once.
 */
#ifndef VIGIL_MOBILE_H
#define VIGIL_MOBILE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vigil_tablet vigil_tablet;

typedef enum vigil_status {
  VIGIL_OK = 0,
  VIGIL_BAD_INPUT = 1,      /* an unknown reference, a value the record cannot hold */
  VIGIL_NOT_ENROLLED = 2,   /* enrol the store first */
  VIGIL_LOCKED = 3,         /* unlock the tablet first */
  VIGIL_WRONG_PASSWORD = 4, /* unlock: not the password the tablet was enrolled with */
  VIGIL_REFUSED = 5,        /* the server refused: wrong sign-in, a bad answer */
  VIGIL_UNREACHABLE = 6,    /* the server could not be reached; everything recorded is kept */
  VIGIL_WIPED = 7,          /* the store has been wiped: revoked, or too many wrong passwords */
  VIGIL_FAILED = 8          /* the store itself failed (disk full, a damaged file) */
} vigil_status;

/* Opens the store at `path`, locked: nothing in it can be read until vigil_unlock (the store is
 * encrypted; docs/tablet-at-rest.md). A store that does not exist yet is made by vigil_enrol. */
vigil_status vigil_open(const char* path, vigil_tablet** out);
/* Closes the store, dropping its key; NULL is allowed. */
void vigil_close(vigil_tablet* tablet);

/* The message of this thread's last failed call ("" when none failed). */
const char* vigil_last_error(void);
void vigil_free_string(char* text);

/* Signs in (`ca_file` may be NULL: the system's authorities only), makes the encrypted store whose
 * key the password unlocks, keeps the device's token inside it, and takes the scope; the tablet is
 * left unlocked. *report_json as vigil_sync's. */
vigil_status vigil_enrol(vigil_tablet* tablet, const char* server_url, const char* username,
                         const char* password, const char* device_name, const char* ca_file,
                         char** report_json);
/* Locking drops the key. The tablet also locks itself when the policy's idle time (5 minutes by
 * default) passes between calls: call vigil_lock as the app goes to the background. A wrong
 * password counts; the policy's number of them in a row (10) wipes the store (VIGIL_WIPED). */
vigil_status vigil_lock(vigil_tablet* tablet);
vigil_status vigil_unlock(vigil_tablet* tablet, const char* password);
/* Wraps the store's key by a new password (the store is not rewritten); unlocked only. */
vigil_status vigil_change_password(vigil_tablet* tablet, const char* current, const char* next);

/* Pushes what was recorded, pulls what changed: {"pushed", "applied", "duplicates", "conflicts",
 * "rejected", "rejections", "received", "purged", "took_scope", "drift", "open_conflicts"}. */
vigil_status vigil_sync(vigil_tablet* tablet, char** report_json);

/* Every nominal in scope, highest priority first; `as_of` is "YYYY-MM-DD", or NULL for today. */
vigil_status vigil_caseload(vigil_tablet* tablet, const char* as_of, char** caseload_json);

/* NOLINTNEXTLINE(readability-identifier-naming): the C API's own names */
typedef struct vigil_visit {
  const char* nominal_ref;
  int announced;                /* 1: pre-arranged, 0: unannounced */
  const char* outcome;          /* "seen", "no_answer", "refused" or "not_at_address" */
  const char* const* attendees; /* usernames */
  size_t attendee_count;
  const char* risk_change; /* NULL or "" for none */
  const char* note;        /* NULL or "" for none */
  const char* occurred_at; /* "YYYY-MM-DDTHH:MM:SSZ", or NULL for now */
  /* Why it was not as the plan asks; each is required when its warning is given (its
   * "reason_field"): fewer officers than the plan's crew, pre-arranged where the plan asks for
   * unannounced visits. NULL or "" for none. */
  const char* crew_reason;
  const char* announced_reason;
  const char* not_as_planned; /* "staff_shortage", "no_vehicle", "offender_not_present",
                                 "other", or NULL */
  const char* devices_checked;
} vigil_visit;

/* What the officer should hear before saving: {"warnings": [{"kind", "text", "reason_field"}]};
 * kind is "short_crew", "pre_arranged" or "warrant"; reason_field names the vigil_visit member
 * that must then say why ("" when none). */
vigil_status vigil_visit_warnings(vigil_tablet* tablet, const vigil_visit* visit,
                                  char** warnings_json);
/* Saves the visit: {"id", "warnings"}. */
vigil_status vigil_record_visit(vigil_tablet* tablet, const vigil_visit* visit,
                                char** recorded_json);

/* {"enrolled", "locked", "server", "officer", "role", "device_id", "pending", "last_sync_at",
 * "rejected", "open_conflicts", "set_aside"}. Each rejected change has "change_id", "entity",
 * "entity_id", "operation", "subject" (the nominal's or suspect's reference), "reason" and the
 * "fields" it carried; each open conflict the field, the value kept and the officer's value that
 * lost (a supervisor decides). */
vigil_status vigil_status_json(vigil_tablet* tablet, char** status_json);

/* A nominal's record, only with why it is opened ("Visit preparation", and any words): the read
 * is written to the tablet's hash-chained read audit first, and reaches the server at the next
 * sync. {"nominal", "addresses", "plans", "actions", "assessments", "orders", "conditions",
 * "visits", "amendments", "failed_entries", "breaches", "notifications",
 * "notification_requirement", "due"}. */
vigil_status vigil_show(vigil_tablet* tablet, const char* nominal_ref, const char* reason,
                        char** record_json);
/* The force's officers, the tablet's own first, then their team's: {"items": [{"username",
 * "name", "team", "active"}]}, for picking attendees. */
vigil_status vigil_officers(vigil_tablet* tablet, char** officers_json);
/* The suspects in scope, most harmful first (harm 1), with their trace enquiries:
 * {"items": [{"suspect", "traces"}]}. */
vigil_status vigil_suspects(vigil_tablet* tablet, char** suspects_json);

/* The recording calls answer {"id"} in *recorded_json (which may be NULL when not wanted). */

/* A further record amending a visit: why (required) and the changed fields, a JSON object of the
 * visit's field names ("occurred_at", "announced", "outcome", "attendees" as "a;b", ...). */
vigil_status vigil_amend_visit(vigil_tablet* tablet, const char* visit_id, const char* reason,
                               const char* changes_json, char** recorded_json);
/* A breach of a condition of one of the nominal's orders: `order` is its kind ("shpo") or id,
 * `condition` a condition's id or its words; `action` what was done about it (required). */
vigil_status vigil_record_breach(vigil_tablet* tablet, const char* nominal_ref, const char* order,
                                 const char* condition, const char* action, char** recorded_json);
/* A trace enquiry made for a suspect in scope. */
vigil_status vigil_record_trace(vigil_tablet* tablet, const char* suspect_ref, const char* note,
                                char** recorded_json);
/* An assessment made today: `risk_level` "low", "medium", "high" or "very_high"; the factors may
 * be NULL. The rules then make the plan's review due. */
vigil_status vigil_record_assessment(vigil_tablet* tablet, const char* nominal_ref,
                                     const char* risk_level, const char* risk_factors,
                                     const char* protective_factors, char** recorded_json);
/* An action of a plan moves on: "open", "done" (completed today) or "cancelled". */
vigil_status vigil_update_action(vigil_tablet* tablet, const char* action_id, const char* status,
                                 char** recorded_json);
/* A change the server rejected (vigil_status_json lists them), made again with the corrected
 * fields, a JSON object as vigil_amend_visit's; it goes at the next sync. What the record hangs
 * from (a nominal, a suspect, a visit) and what the tablet stamped (times of recording) cannot
 * be corrected (record it again instead), nor a read of a record (let it go); a corrected visit
 * is checked as one recorded at the door. */
vigil_status vigil_correct(vigil_tablet* tablet, const char* change_id,
                           const char* corrections_json, char** recorded_json);
/* The officer has read why a change was rejected and lets it go; the server keeps it, refused,
 * for the supervisor. */
vigil_status vigil_let_go(vigil_tablet* tablet, const char* change_id);

/* Serves the officer's app (the screens vigil-field serve serves) on 127.0.0.1 at `port` (0: a
 * free port) for the shell's web view, over this tablet; *launch_url is the one-time address to
 * open ("http://127.0.0.1:PORT/?launch=TOKEN"), which sets the page's session. One app per
 * handle: a second start is refused until vigil_serve_stop. The app's syncs reach the server as
 * vigil_sync's do. */
vigil_status vigil_serve_start(vigil_tablet* tablet, unsigned short port, char** launch_url);
/* Stops the app (a no-op when it is not serving); vigil_close stops it too. */
vigil_status vigil_serve_stop(vigil_tablet* tablet);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_MOBILE_H */
