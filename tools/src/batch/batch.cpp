// `vigil batch`: the nightly run, from the snapshot to the published folder
// (vigil/tools/batch.hpp).
#include "vigil/tools/batch.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "batch/night.hpp"
#include "batch/publish.hpp"
#include "vigil/base/digest.hpp"
#include "vigil/base/json.hpp"
#include "vigil/base/signature.hpp"

namespace vigil::backoffice {
namespace {

// Bytes of the database file the run may memory-map (see run_batch).
constexpr std::int64_t kBatchMappedBytes = std::int64_t{64} << 20;

}  // namespace

using batch_detail::check_output;
using batch_detail::Night;
using batch_detail::OutputLock;
using batch_detail::publish;
using batch_detail::read_night;
using batch_detail::reconcile_night;
using batch_detail::summary_html;
using batch_detail::sync_folder;
using batch_detail::write_file;

BatchResult run_batch(store::Database& db, Date as_of, const std::filesystem::path& out,
                      Instant run_at, base::Progress& progress,
                      const std::optional<std::string>& signing_key) {
  BatchResult result;
  std::map<std::string, std::string> files;  // name -> bytes
  std::filesystem::path target = std::filesystem::absolute(out).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();  // "out/" is "out"
  std::filesystem::create_directories(target.parent_path());
  const OutputLock lock(target);
  // What the run replaces or clears must be the nightly run's: the output, and what an
  // interrupted run left beside it.
  for (const char* suffix : {"", ".partial", ".previous"}) check_output(target.string() + suffix);
  Night night;
  // The run reads nearly the whole file. Mapped, every page read stays in the process's resident
  // memory (a national database is about a gigabyte); read through SQLite's page cache instead,
  // the run's memory is what it holds, not what it has read.
  db.execute("PRAGMA mmap_size = " + std::to_string(kBatchMappedBytes));
  {
    // One consistent view of the force for every report and check, however the server writes
    // meanwhile.
    store::ReadSnapshot snapshot(db);
    night = read_night(db, as_of, progress);
    result.reconciliation = reconcile_night(db, night, progress);
  }
  progress.stage("files");
  const auto& r = result.reconciliation;
  files["overdue.json"] = reports::overdue_report_json(night.overdue, &night.stamp) + "\n";
  files["overdue.csv"] = reports::overdue_report_csv(night.overdue);
  files["suspects.json"] = reports::suspects_report_json(night.suspects, &night.stamp) + "\n";
  files["suspects.csv"] = reports::suspects_report_csv(night.suspects);
  files["compliance.json"] = reports::compliance_report_json(night.compliance, &night.stamp) + "\n";
  files["devices.json"] = reports::devices_report_json(night.stamp, night.cutoff) + "\n";
  files["reconcile.json"] = reconciliation_json(r);

  // The night's backlog, kept for the trend; a rerun for the date replaces it.
  progress.stage("backlog snapshot");
  reports::record_backlog_snapshot(db, night.overdue, format_instant(run_at));
  const auto trend = reports::backlog_trend(db, as_of, {});
  files["summary.html"] = summary_html(night, r, trend);

  base::JsonWriter manifest;
  manifest.begin_object()
      .fields({base::member("as_of", format_date(as_of)),
               base::member("run_at", format_instant(run_at)), base::member("clean", r.clean())})
      .key("files")
      .begin_array();
  for (const auto& [name, bytes] : files) {
    manifest.object({base::member("name", name),
                     base::member("bytes", static_cast<std::int64_t>(bytes.size())),
                     base::member("sha256", base::sha256_hex(bytes))});
  }
  manifest.end_array().end_object();
  files["manifest.json"] = manifest.str() + "\n";
  if (signing_key) files["manifest.sig"] = base::sign_message(*signing_key, files["manifest.json"]);

  // Written aside (what an interrupted run left there goes first), then renamed into place.
  const std::filesystem::path partial = target.string() + ".partial";
  std::filesystem::remove_all(partial);
  std::filesystem::create_directory(partial);
  for (const auto& [name, bytes] : files) {
    write_file(partial / name, bytes);
    result.files.push_back(name);
  }
  sync_folder(partial);
  publish(partial, target);
  progress.finish();
  return result;
}

}  // namespace vigil::backoffice
