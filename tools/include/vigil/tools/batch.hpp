// The nightly run (`vigil batch`): reconciles the force's database and publishes the morning
// report. Everything is read in one consistent snapshot, so the run is safe beside a running
// server; the same database and as-of date give byte-identical files (the manifest's run time
// aside): every "now" in them is the cut-off, the end of the as-of day in Europe/London.
//
// Invariants are rules the data must keep; a breach, listed with the records involved, makes the
// run fail (exit status 3) so a scheduler can alert. Flags are what the morning meeting should
// look at; they never fail the run.
//
// The caller owns the Database; one thread. Throws vigil::Error when the database or a file
// fails.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vigil/base/progress.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/store/store.hpp"

namespace vigil::backoffice {

// One breach of an invariant, or one flagged item: the records involved, by name ("nominal_ref",
// "device_id", "seq", ...), in a fixed order, and a sentence saying what is wrong.
struct Finding {
  std::vector<std::pair<std::string, std::string>> records;
  std::string detail;
};

struct Check {
  std::string name;         // e.g. "sequence_without_gaps"
  std::string description;  // the rule, or what is flagged
  std::vector<Finding> findings;
};

struct Reconciliation {
  Date as_of;
  Instant cutoff;                 // the end of the as-of day, Europe/London
  std::vector<Check> invariants;  // the data's integrity: each empty when kept
  std::vector<Check> flags;       // what the morning meeting should see, practice findings too
  // The day's sync: changes received during the as-of day by outcome, and devices heard from.
  std::map<std::string, std::int64_t> changes_by_outcome;
  std::int64_t devices_synced = 0;

  bool clean() const;  // every invariant kept
};

struct BatchResult {
  Reconciliation reconciliation;
  std::vector<std::string> files;  // written into the output folder, by name
};

// Runs the whole night: reads, checks, writes every file into `out` (made afresh beside it and
// renamed into place, so an interrupted run leaves the previous output whole), and stores the
// night's backlog snapshot. `run_at` is the real time, written only into the manifest. With a
// signing key (read_signing_key), manifest.sig beside the manifest is its Ed25519 signature: the
// manifest holds every other file's SHA-256, so the signature vouches for them all.
BatchResult run_batch(store::Database& db, Date as_of, const std::filesystem::path& out,
                      Instant run_at, base::Progress& progress,
                      const std::optional<std::string>& signing_key = std::nullopt);

// The run's signing key pair, made into `folder` (created when absent): batch-signing.key, the
// private key, readable by its owner only, and batch-signing.pub, the public key for whoever
// checks the output. Refuses, writing nothing, when either file is there already.
struct BatchKeyFiles {
  std::filesystem::path private_key, public_key;
  std::string fingerprint;  // of the public key (base::public_key_fingerprint)
};
BatchKeyFiles make_batch_key(const std::filesystem::path& folder);

// The private key in `file`, checked before the night is read: an Ed25519 private key in PEM,
// readable by no other user. Throws vigil::Error (invalid_input) saying what is wrong.
std::string read_signing_key(const std::filesystem::path& file);

// A run's output checked against its manifest, and the manifest against its signature under the
// public key in `public_key_file`: each problem (a file changed, added or removed; the signature
// missing, or not the manifest's under that key; a run of another date than `as_of`, when given,
// as a whole earlier output swapped in would be) in one sentence. Throws vigil::Error
// (invalid_input) when the folder or the key cannot be read as one.
struct OutputCheck {
  std::size_t files = 0;              // listed in the manifest
  std::string fingerprint;            // of the public key
  std::string as_of, run_at;          // the manifest's: the night's date, when the run was made
  bool clean = false;                 // the manifest's: every invariant kept
  std::vector<std::string> problems;  // empty: the output is as the run signed it
};
OutputCheck verify_output(const std::filesystem::path& folder,
                          const std::filesystem::path& public_key_file,
                          const std::optional<std::string>& as_of = std::nullopt);

// The checks alone, on the snapshot the caller holds open.
Reconciliation reconcile(store::Database& db, Date as_of);

std::string reconciliation_json(const Reconciliation& reconciliation);

}  // namespace vigil::backoffice
