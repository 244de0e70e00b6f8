// The gate reports are made through: never more inside than its slots, and callers go in in the
// order they came, so none is passed over while later ones go ahead.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "gate.hpp"

using vigil::server::Gate;

namespace {

// Waits (a few seconds at most) until `count` callers wait at the gate.
void until_waiting(Gate& gate, std::uint64_t count) {
  for (int i = 0; i < 5000 && gate.waiting() < count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(gate.waiting() == count);
}

}  // namespace

TEST_CASE("a gate lets no more through at once than it has slots, and everyone in the end",
          "[server][gate]") {
  Gate gate(2);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::atomic<int> through{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 12; ++i) {
    callers.emplace_back([&] {
      const auto pass = gate.enter();
      const int now = ++inside;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      --inside;
      ++through;
    });
  }
  for (auto& caller : callers) caller.join();
  CHECK(most.load() <= 2);
  CHECK(most.load() >= 1);
  CHECK(through.load() == 12);
  CHECK(gate.waiting() == 0);
}

TEST_CASE("a gate lets callers in in the order they came", "[server][gate]") {
  Gate gate(1);
  auto held = gate.enter();
  std::mutex mutex;
  std::vector<int> order;
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&, i] {
      const auto pass = gate.enter();
      std::lock_guard lock(mutex);
      order.push_back(i);
    });
    until_waiting(gate, static_cast<std::uint64_t>(i) + 1);  // each queues before the next comes
  }
  held.release();
  for (auto& caller : callers) caller.join();
  CHECK(order == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("an empty pass holds no slot", "[server][gate]") {
  Gate gate(1);
  { Gate::Pass nothing; }
  auto pass = gate.enter();
  pass.release();
  pass.release();  // twice is once
  const auto again = gate.enter();
  CHECK(gate.waiting() == 0);
}
