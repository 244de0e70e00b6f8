/* A tablet app's use of the C API, written in C and including only vigil/mobile.h: run by
 * mobile_tests against a real server as `c_api_client STORE SERVER_URL USERNAME PASSWORD`.
 * Prints each failed check and exits 1 if any failed. */
#include <stdio.h>
#include <string.h>

#include "vigil/mobile.h"

static int failures = 0;

static void check(int ok, const char* what) {
  if (!ok) {
    printf("FAILED: %s (last error: %s)\n", what, vigil_last_error());
    ++failures;
  }
}

static int contains(const char* text, const char* part) {
  return text != NULL && strstr(text, part) != NULL;
}

/* Frees an answer and forgets it, so a failed call that writes none leaves NULL behind. */
static void release(char** json) {
  vigil_free_string(*json);
  *json = NULL;
}

int main(int argc, char** argv) {
  vigil_tablet* tablet = NULL;
  char* json = NULL;
  const char* pair[] = {"pc.a", "pc.b"};
  const char* alone[] = {"pc.a"};
  vigil_visit visit = {.nominal_ref = "NOM-1",
                       .announced = 0,
                       .outcome = "seen",
                       .attendees = alone,
                       .attendee_count = 1,
                       .note = "All well at the address"};
  if (argc != 5) {
    printf("usage: c_api_client STORE SERVER_URL USERNAME PASSWORD\n");
    return 2;
  }

  check(vigil_open("/no/such/folder/tablet.db", &tablet) == VIGIL_FAILED, "a store that cannot be");
  check(tablet == NULL, "no handle for a store that cannot be");
  check(strlen(vigil_last_error()) > 0, "a message for a store that cannot be");
  check(vigil_status_json(NULL, &json) == VIGIL_BAD_INPUT, "a NULL handle is refused");

  check(vigil_open(argv[1], &tablet) == VIGIL_OK, "open the store");
  check(vigil_status_json(tablet, &json) == VIGIL_OK, "status before enrolling");
  check(contains(json, "\"enrolled\":false"), "not enrolled yet");
  release(&json);
  check(vigil_caseload(tablet, NULL, &json) == VIGIL_NOT_ENROLLED, "no caseload before enrolling");
  check(contains(vigil_last_error(), "not enrolled"), "says it is not enrolled");

  check(vigil_enrol(tablet, argv[2], argv[3], "wrong password", "c tablet", NULL, NULL) ==
            VIGIL_REFUSED,
        "a wrong password is refused");
  check(vigil_enrol(tablet, argv[2], argv[3], argv[4], "c tablet", NULL, &json) == VIGIL_OK,
        "enrol");
  check(contains(json, "\"took_scope\":true"), "enrolling takes the scope");
  release(&json);

  check(vigil_caseload(tablet, "2026-11-22", &json) == VIGIL_OK, "the caseload");
  check(contains(json, "\"nominal_ref\":\"NOM-1\""), "the caseload holds NOM-1");
  release(&json);
  check(vigil_caseload(tablet, "2026-02-30", &json) == VIGIL_BAD_INPUT, "an impossible date");
  check(contains(vigil_last_error(), "2026-02-30"), "the message names the date");

  check(vigil_visit_warnings(tablet, &visit, &json) == VIGIL_OK, "warnings before saving");
  check(contains(json, "requires 2 officers"), "single crewing is warned of");
  check(contains(json, "\"reason_field\":\"crew_reason\""), "single crewing asks why");
  release(&json);
  check(vigil_record_visit(tablet, &visit, &json) == VIGIL_BAD_INPUT,
        "a single-crewed visit is not saved without its reason");
  check(contains(vigil_last_error(), "crew_reason"), "the message names the reason asked for");
  visit.outcome = "answered";
  check(vigil_record_visit(tablet, &visit, &json) == VIGIL_BAD_INPUT, "a bad outcome");
  check(contains(vigil_last_error(), "answered"), "the message names the outcome");
  visit.outcome = "seen";
  visit.attendees = pair;
  visit.attendee_count = 2;
  check(vigil_record_visit(tablet, &visit, &json) == VIGIL_OK, "record a visit");
  check(contains(json, "\"warnings\":[]"), "a double-crewed visit has no warnings");
  release(&json);
  check(vigil_status_json(tablet, &json) == VIGIL_OK, "status");
  check(contains(json, "\"pending\":1"), "one change waiting");
  release(&json);

  check(vigil_sync(tablet, &json) == VIGIL_OK, "sync");
  check(contains(json, "\"applied\":1"), "the visit was applied");
  release(&json);

  check(vigil_lock(tablet) == VIGIL_OK, "lock");
  check(vigil_caseload(tablet, NULL, &json) == VIGIL_LOCKED, "a locked tablet shows nothing");
  check(contains(vigil_last_error(), "unlock it first"), "a locked tablet says unlock first");
  check(vigil_sync(tablet, &json) == VIGIL_LOCKED, "a locked tablet does nothing with the server");
  check(vigil_unlock(tablet, "guess") == VIGIL_WRONG_PASSWORD, "a wrong password stays locked");
  check(contains(vigil_last_error(), "9 more wrong passwords"), "it says how many are left");
  check(vigil_unlock(tablet, argv[4]) == VIGIL_OK, "unlock");
  check(vigil_caseload(tablet, NULL, &json) == VIGIL_OK, "the caseload again");
  release(&json);
  check(vigil_change_password(tablet, argv[4], "a new passphrase") == VIGIL_OK, "change password");
  vigil_close(tablet);

  /* A handle opened again is locked: closing dropped the key. */
  check(vigil_open(argv[1], &tablet) == VIGIL_OK, "open the store again");
  check(vigil_caseload(tablet, NULL, &json) == VIGIL_LOCKED, "locked when opened");
  check(vigil_unlock(tablet, argv[4]) == VIGIL_WRONG_PASSWORD, "the old password is gone");
  check(vigil_unlock(tablet, "a new passphrase") == VIGIL_OK, "the new password unlocks");
  vigil_close(tablet);
  vigil_close(NULL);
  return failures == 0 ? 0 : 1;
}
