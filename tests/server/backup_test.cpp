// vigil backup and vigil restore against a real server that tablets are pushing to, run as an
// operator would run them: a backup taken under load holds every change acknowledged before it
// began, exactly once, and no push in part; a restore is refused while the server has the
// database open, and afterwards serves what the backup held.
#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "api_world.hpp"
#include "run_command.hpp"

using namespace api_world;

namespace {

std::string vigil_command() {
  return std::string(VIGIL_BIN_DIR) + "/vigil";
}

// Tablets pushing visits one at a time until stopped, each acknowledged change kept in order.
class Pushing {
 public:
  explicit Pushing(World& world) {
    for (const char* who : {"pc.a", "pc.b", "pc.south"}) devices_.push_back(world.device(who));
    for (auto& device : devices_) {
      const auto& nominals = device.username == "pc.south" ? world.force().south_nominals
                                                           : world.force().north_nominals;
      threads_.emplace_back([this, &device, nominal = nominals[0]] {
        while (!stop_) {
          const Change visit = device.visit(nominal);
          const auto answer = device.post_push(visit);
          if (answer.status != 200) {
            failed_ = true;
            return;
          }
          const auto response = decode_push_response(answer.body);
          if (response.outcomes.size() != 1 ||
              response.outcomes.front().outcome != Outcome::applied) {
            failed_ = true;
            return;
          }
          std::lock_guard lock(mutex_);
          acknowledged_.push_back({visit.change_id, visit.entity_id});
        }
      });
    }
  }
  ~Pushing() { stop(); }
  Pushing(const Pushing&) = delete;
  Pushing& operator=(const Pushing&) = delete;

  struct Acknowledged {
    std::string change_id, visit_id;
  };
  std::vector<Acknowledged> acknowledged() {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }
  void wait_for(std::size_t count) {
    while (acknowledged().size() < count && !failed_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE_FALSE(failed_);
  }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  bool failed() const { return failed_; }

 private:
  std::vector<Device> devices_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false}, failed_{false};
  std::mutex mutex_;
  std::vector<Acknowledged> acknowledged_;
};

}  // namespace

TEST_CASE(
    "backup under load: every change acknowledged before it began, exactly once; restore "
    "refused while served",
    "[server][backup][durability]") {
  World world;
  TempDir scratch;
  const auto backup = scratch.path() / "force-backup.db";
  Pushing pushing(world);
  pushing.wait_for(30);
  const auto before = pushing.acknowledged();
  const auto taken = run_command(vigil_command() + " backup --db '" + world.database().string() +
                                     "' --out '" + backup.string() + "' --json",
                                 "", scratch.path());
  INFO(taken.err);
  REQUIRE(taken.status == 0);
  pushing.wait_for(before.size() + 10);  // still pushing once the backup has ended
  pushing.stop();
  REQUIRE_FALSE(pushing.failed());
  const auto said = parse(taken.out);
  CHECK(member(said, "integrity") == "ok");
  // Every record is in it: its owner's alone, whatever the umask (the test's lets others read).
  const auto mode = std::filesystem::status(backup).permissions();
  CHECK((mode & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
        std::filesystem::perms::none);
  // A backup is never written over: asked again to the same file, it refuses and leaves it.
  const auto size = std::filesystem::file_size(backup);
  const auto again = run_command(vigil_command() + " backup --db '" + world.database().string() +
                                     "' --out '" + backup.string() + "'",
                                 "", scratch.path());
  CHECK(again.status == 1);
  CHECK(again.err.find("already exists") != std::string::npos);
  CHECK(std::filesystem::file_size(backup) == size);

  store::Database copy(backup);
  const auto count = [&](const std::string& sql, const std::string& id) {
    auto s = copy.prepare(sql);
    s.bind_all(id);
    s.step();
    return s.column_int(0);
  };
  for (const auto& change : before) {
    INFO(change.change_id);
    CHECK(count("SELECT count(*) FROM changes WHERE change_id = ?", change.change_id) == 1);
    CHECK(count("SELECT count(*) FROM visits WHERE id = ?", change.visit_id) == 1);
  }
  // No push in part: each tablet visit the copy holds came with its change, and each change
  // with its visit.
  auto torn = copy.prepare(
      "SELECT (SELECT count(*) FROM changes c WHERE c.entity = 'visit' AND c.device_id <> "
      "'back-office' AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.id = c.entity_id)) + (SELECT "
      "count(*) FROM visits v WHERE v.device_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM changes "
      "c WHERE c.entity_id = v.id))");
  torn.step();
  CHECK(torn.column_int(0) == 0);
  const std::int64_t in_copy = count_of(backup, "SELECT count(*) FROM changes");
  CHECK(in_copy >= static_cast<std::int64_t>(before.size()));
  CHECK(in_copy == said["tables"]["changes"].GetInt64());

  // Restoring over the database the server is serving is refused, and leaves it as it was.
  const std::int64_t served = world.count("SELECT count(*) FROM changes");
  REQUIRE(served > in_copy);
  const std::string restore = vigil_command() + " restore --from '" + backup.string() + "' --db '" +
                              world.database().string() + "'";
  const auto refused = run_command(restore, "", scratch.path());
  CHECK(refused.status == 1);
  CHECK(refused.err.find("a server has") != std::string::npos);
  CHECK(world.count("SELECT count(*) FROM changes") == served);

  // A file that is no database restores nothing, and leaves nothing where it was to go.
  const auto not_a_backup = scratch.path() / "notes.txt";
  std::ofstream(not_a_backup) << "not a database\n";
  const auto fresh = scratch.path() / "fresh.db";
  const auto failed = run_command(vigil_command() + " restore --from '" + not_a_backup.string() +
                                      "' --db '" + fresh.string() + "'",
                                  "", scratch.path());
  CHECK(failed.status == 1);
  CHECK_FALSE(std::filesystem::exists(fresh));

  // Stopped, it is restored to the backup, which the server serves again.
  world.server().stop();
  const auto restored = run_command(restore, "", scratch.path());
  INFO(restored.err);
  REQUIRE(restored.status == 0);
  CHECK(world.count("SELECT count(*) FROM changes") == in_copy);
  world.server().start();
  const auto ready = parse(world.client()->get("/readyz").body);
  CHECK(ready["checks"]["database"]["ok"].GetBool());
  CHECK(ready["checks"]["schema"]["ok"].GetBool());
  Device officer = world.device("pc.a");
  officer.pull();
}
