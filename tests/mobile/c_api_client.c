/* A tablet app's use of the C API, written in C and including only vigil/mobile.h: run by
 * mobile_tests against a real server as `c_api_client STORE SERVER_URL USERNAME PASSWORD`.
 * Prints each failed check and exits 1 if any failed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* Copies the text of the first "name":"..." in `json` into `out` ("" when there is none). */
static void member_of(const char* json, const char* name, char* out, size_t size) {
  char key[64];
  const char* at;
  size_t n = 0;
  out[0] = '\0';
  snprintf(key, sizeof key, "\"%s\":\"", name);
  at = json == NULL ? NULL : strstr(json, key);
  if (at == NULL) return;
  at += strlen(key);
  while (at[n] != '\0' && at[n] != '"' && n + 1 < size) {
    out[n] = at[n];
    ++n;
  }
  out[n] = '\0';
}

/* One HTTP/1.1 request to the app on 127.0.0.1:port, as its web view would send it; the whole
 * answer (status line, headers, body) goes into `answer`. Returns 0 when nothing answered. */
static int ask_app(int port, const char* request, char* answer, size_t size) {
  struct sockaddr_in address;
  size_t got = 0;
  ssize_t n;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  answer[0] = '\0';
  if (s < 0 || connect(s, (struct sockaddr*)&address, sizeof address) != 0) {
    if (s >= 0) close(s);
    return 0;
  }
  if (write(s, request, strlen(request)) != (ssize_t)strlen(request)) {
    close(s);
    return 0;
  }
  while (got + 1 < size && (n = read(s, answer + got, size - got - 1)) > 0) got += (size_t)n;
  answer[got] = '\0';
  close(s);
  return got > 0;
}

/* The app served through the C API answers its web view: the launch address sets the session,
 * and with it the app shows the tablet's status, while the C calls go on beside it. */
static void serve_the_app(vigil_tablet* tablet) {
  char* url = NULL;
  char* json = NULL;
  char request[512], answer[16384], token[80], cookie[80];
  const char* at;
  int port;
  check(vigil_serve_start(tablet, 0, &url) == VIGIL_OK, "serve the app");
  check(contains(url, "http://127.0.0.1:") && contains(url, "/?launch="), "the launch address");
  if (url == NULL) return;
  check(vigil_serve_start(tablet, 0, &json) == VIGIL_BAD_INPUT, "one app per tablet");
  port = atoi(url + strlen("http://127.0.0.1:"));
  snprintf(token, sizeof token, "%s", strstr(url, "launch=") + strlen("launch="));

  snprintf(request, sizeof request,
           "GET /?launch=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", token,
           port);
  check(ask_app(port, request, answer, sizeof answer), "the app answers its launch address");
  check(contains(answer, " 303 "), "the launch address opens the app");
  at = strstr(answer, "vigil_app=");
  check(at != NULL && contains(answer, "HttpOnly"), "the launch sets an HttpOnly session cookie");
  cookie[0] = '\0';
  if (at != NULL) {
    size_t n = 0;
    while (at[n] != '\0' && at[n] != ';' && at[n] != '\r' && n + 1 < sizeof cookie) {
      cookie[n] = at[n];
      ++n;
    }
    cookie[n] = '\0';
  }
  snprintf(request, sizeof request,
           "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n"
           "Connection: close\r\n\r\n",
           port, cookie);
  check(ask_app(port, request, answer, sizeof answer), "the app answers with its session");
  check(contains(answer, " 200 ") && contains(answer, "\"officer\":\"pc.a\""),
        "the app shows the tablet it serves");
  check(vigil_status_json(tablet, &json) == VIGIL_OK, "the C calls go on while the app serves");
  release(&json);
  snprintf(request, sizeof request,
           "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", port);
  check(ask_app(port, request, answer, sizeof answer) && contains(answer, " 401 "),
        "without the session the app refuses");

  check(vigil_serve_stop(tablet) == VIGIL_OK, "stop the app");
  check(!ask_app(port, request, answer, sizeof answer), "a stopped app answers nothing");
  check(vigil_serve_stop(tablet) == VIGIL_OK, "stopping a stopped app is harmless");
  vigil_free_string(url);
}

int main(int argc, char** argv) {
  vigil_tablet* tablet = NULL;
  char* json = NULL;
  char visit_id[64];
  static const char own_first[] = "{\"items\":[{\"username\":\"pc.a\"";
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
  member_of(json, "id", visit_id, sizeof visit_id);
  release(&json);
  check(vigil_status_json(tablet, &json) == VIGIL_OK, "status");
  check(contains(json, "\"pending\":1"), "one change waiting");
  release(&json);

  check(vigil_sync(tablet, &json) == VIGIL_OK, "sync");
  check(contains(json, "\"applied\":1"), "the visit was applied");
  release(&json);

  /* Everything else the officer's app does. A record is shown only with why. */
  check(vigil_show(tablet, "NOM-1", "", &json) == VIGIL_BAD_INPUT, "no record without a reason");
  check(vigil_show(tablet, "NOM-1", "Visit preparation", &json) == VIGIL_OK, "show with a reason");
  check(contains(json, "Not to enter any park"), "the record holds the order's condition");
  check(contains(json, visit_id), "the record holds the visit just made");
  release(&json);
  check(vigil_amend_visit(tablet, visit_id, "Wrong outcome recorded", "{\"outcome\":\"refused\"}",
                          &json) == VIGIL_OK,
        "amend a visit");
  release(&json);
  check(vigil_amend_visit(tablet, visit_id, "Bad", "{\"outcome\":", &json) == VIGIL_BAD_INPUT,
        "a malformed change is refused");
  check(contains(vigil_last_error(), "JSON"), "the message says the change is not JSON");
  check(vigil_record_breach(tablet, "NOM-1", "shpo", "Not to enter any park", "Arrested", &json) ==
            VIGIL_OK,
        "record a breach");
  release(&json);
  check(vigil_record_breach(tablet, "NOM-1", "curfew", "Not to go out", "Arrested", &json) ==
            VIGIL_BAD_INPUT,
        "a breach of an order the nominal has not is refused");
  check(contains(vigil_last_error(), "no order 'curfew'"), "the message names the order");
  check(
      vigil_record_assessment(tablet, "NOM-1", "medium", "Drinking again", NULL, &json) == VIGIL_OK,
      "record an assessment");
  release(&json);
  check(vigil_record_assessment(tablet, "NOM-1", "dire", NULL, NULL, &json) == VIGIL_BAD_INPUT,
        "an unknown risk level is refused");
  check(contains(vigil_last_error(), "dire"), "the message names the risk level");
  check(vigil_suspects(tablet, &json) == VIGIL_OK, "the suspects in scope");
  check(contains(json, "\"ref\":\"SUS-1\""), "the suspects hold SUS-1");
  release(&json);
  check(vigil_record_trace(tablet, "SUS-1", "Not at the last known address", &json) == VIGIL_OK,
        "record a trace enquiry");
  release(&json);
  check(vigil_officers(tablet, &json) == VIGIL_OK, "the force's officers");
  check(strncmp(json == NULL ? "" : json, own_first, sizeof own_first - 1) == 0,
        "the tablet's own officer first");
  release(&json);
  check(vigil_update_action(tablet, "no-such-action", "done", &json) == VIGIL_BAD_INPUT,
        "an action the tablet does not hold is refused");
  check(vigil_correct(tablet, "no-such-change", "{}", &json) == VIGIL_BAD_INPUT,
        "no correction of a change that was not rejected");
  check(vigil_let_go(tablet, "no-such-change") == VIGIL_BAD_INPUT,
        "no letting go of a change that was not rejected");
  check(vigil_sync(tablet, &json) == VIGIL_OK, "sync what the app's calls recorded");
  /* The amendment, the breach, the assessment, the trace enquiry and the read. */
  check(contains(json, "\"applied\":5") && contains(json, "\"rejected\":0"),
        "each reached the server");
  release(&json);
  check(vigil_status_json(tablet, &json) == VIGIL_OK, "status after the sync");
  check(contains(json, "\"rejected\":[]") && contains(json, "\"open_conflicts\":[]"),
        "nothing rejected, no conflict open");
  release(&json);

  serve_the_app(tablet);

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
