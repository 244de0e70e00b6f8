// The device's half of the sync protocol (docs/sync-protocol.md), over any transport: sign-in,
// push in batches, pull in pages, drift and resync of the scope, the conflicts list, and the
// wipe when the server has revoked the device. mobile/ gives it HTTP (its ServerLink); tests give
// it the server's request handler called in the same process, with faults in between.
//
// A change leaves the outbox only when the server has answered for it, and every page of a pull
// is stored in one transaction with the cursor it reaches, so whatever the transport does (a
// message dropped, repeated, reordered, an answer cut off, the server restarted) the next sync
// goes on from where the store is, and the device ends with what the server holds.
//
// Ownership and threads: borrows the device's store, clock and transport; one thread. Throws
// SyncError (a vigil::Error) with one sentence for the officer; another vigil::Error only when the
// store itself fails.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/error.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/device_state.hpp"
#include "vigil/sync/hlc.hpp"

namespace vigil::sync {

// One answer of the server, as the transport received it.
struct Answer {
  int status = 0;
  std::string body;
  std::string protocol;  // the server's Vigil-Protocol header ("" when it sent none)
};

// No answer came: the server could not be reached, or the exchange broke off.
class TransportFailure : public Error {
 public:
  explicit TransportFailure(const std::string& why) : Error(ErrorCode::io, why) {}
};

class Transport {
 public:
  virtual ~Transport() = default;
  // One request: `token` ("" for none) as a bearer token, `body` as JSON, the protocol version
  // named. An HTTP error status is an answer; throws TransportFailure when none came.
  virtual Answer exchange(std::string_view method, const std::string& target,
                          const std::string& body, const std::string& token) = 0;
};

struct SyncOptions {
  int attempts = 4;                              // tries of each exchange before giving up
  std::chrono::milliseconds first_backoff{500};  // pause after a failed try, doubled each time
  // Records asked for in each page of a pull. Each page is a round trip: on a poor signal a
  // first sync of a caseload of 50 (some 1,400 records) takes one page, of 260 two; a page of
  // 5,000 is some 300 KB gzipped, a few seconds at 1 Mbit/s should the signal drop during it.
  int page_size = 5000;
  int push_batch = 200;  // changes in one push: small enough to finish over a poor connection
  // How the device's store is erased when the server has revoked the device; the client uses the
  // store no more after it. Without one, its files are deleted and an empty store opened there.
  std::function<void()> erase_store;
  // How often the device's copy is checked against the server's (the scope digest) when a pull
  // brings nothing: working it out costs each side a read of the whole scope, which a sync with
  // nothing to do (every minute, on the app's timer) is spared. A pull that brings anything is
  // always checked. Zero: every sync.
  std::chrono::seconds check_every{900};
};

// What kind of problem a SyncError reports.
enum class SyncProblem {
  refused,      // the server refused, or answered what the device cannot use
  unreachable,  // no answer after every attempt
  wiped,        // the server revoked this device and its store has been wiped
};

class SyncError : public Error {
 public:
  SyncError(SyncProblem problem, const std::string& sentence)
      : Error(ErrorCode::invalid_input, sentence), problem_(problem) {}
  [[nodiscard]] SyncProblem problem() const { return problem_; }

 private:
  SyncProblem problem_;
};

// What a sync did.
struct SyncReport {
  int pushed = 0;                       // changes sent
  int applied = 0;                      // taken in by the server
  int duplicates = 0;                   // already taken in (an earlier answer was lost)
  int conflicts = 0;                    // taken in with a conflict recorded for a supervisor
  int rejected = 0;                     // refused; kept on the device with the reason
  std::vector<std::string> rejections;  // "visit 0199...: <reason>"
  int received = 0;                     // records and changes that came down
  int purged = 0;                       // records that left the scope
  int set_aside = 0;        // records it could not store, kept aside (status lists them)
  bool took_scope = false;  // the whole scope was taken (first sync or drift)
  std::string drift;        // why the scope was taken afresh ("" when it was not)
  int open_conflicts = 0;
};

class SyncClient {
 public:
  using Clock = std::function<Instant()>;
  SyncClient(store::Database& db, HybridClock& clock, Clock now, Transport& transport,
             SyncOptions options = {});

  // Signs in; the caller keeps what it gives (DeviceState::keep_enrolment) with whatever else it
  // keeps about the enrolment, in one transaction. A refused sign-in is a SyncError (refused).
  [[nodiscard]] Enrolment sign_in(const std::string& username, const std::string& password,
                                  const std::string& device_name);

  // Pushes the outbox, pulls what changed (or the whole scope), and keeps the conflicts list
  // (asked for only when it can have changed: see refresh_conflicts).
  [[nodiscard]] SyncReport sync();
  // Pushes the outbox and nothing more: what the officer recorded reaches the server over a link
  // too poor for a pull.
  [[nodiscard]] SyncReport send();

 private:
  Answer call(std::string_view method, const std::string& target, const std::string& body = {});
  [[noreturn]] void refused(const Answer& answer, const std::string& what);
  [[noreturn]] static void stalled(const std::string& what);
  [[noreturn]] void wipe();
  void push(SyncReport& report);
  void pull(SyncReport& report);
  // `digest_if_sent`: the server may leave out the digest when the page sends nothing.
  [[nodiscard]] PullResponse fetch(std::int64_t since, const std::string& resume,
                                   bool digest_if_sent = false);
  [[nodiscard]] std::optional<std::string> apply_page(const PullResponse& page, bool clear_first,
                                                      const std::function<void()>& advance,
                                                      SyncReport& report);
  [[nodiscard]] int set_aside_orphans(const std::string& now_text);
  [[nodiscard]] std::optional<std::string> take_scope(SyncReport& report);
  [[nodiscard]] std::optional<std::string> follow_changes(SyncReport& report);
  void refresh_conflicts(SyncReport& report);

  store::Database& db_;
  HybridClock& clock_;
  Clock now_;
  Transport& transport_;
  SyncOptions options_;
  DeviceState state_;
};

}  // namespace vigil::sync
