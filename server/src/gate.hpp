// A gate that lets at most a set number of callers through at once, in the order they came: for
// work that only competes for the processors, such as making a report. Twenty supervisors' reports
// made at once on two cores each took about twice the processor time they take alone (they evict
// each other's data from the caches); made two at a time, in turn, the first are answered far
// sooner and the last no later.
// Thread-safe. Private to server/.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace vigil::server {

class Gate {
 public:
  explicit Gate(int slots) : free_(slots < 1 ? 1 : slots) {}

  // Held while inside; leaving (release, or its end) lets the next caller in. A pass made empty
  // holds no slot.
  class Pass {
   public:
    Pass() = default;
    explicit Pass(Gate& gate) : gate_(&gate) {}
    ~Pass() { release(); }
    void release() {
      if (gate_ != nullptr) gate_->leave();
      gate_ = nullptr;
    }
    Pass(Pass&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    Pass& operator=(Pass&&) = delete;

   private:
    Gate* gate_ = nullptr;
  };

  // How many callers are waiting to go in.
  [[nodiscard]] std::uint64_t waiting() {
    std::lock_guard lock(mutex_);
    return next_ticket_ - serving_;
  }

  // Waits for a free slot and for every caller who came earlier to have gone in.
  [[nodiscard]] Pass enter() {
    std::unique_lock lock(mutex_);
    const std::uint64_t ticket = next_ticket_++;
    changed_.wait(lock, [&] { return ticket == serving_ && free_ > 0; });
    ++serving_;
    --free_;
    changed_.notify_all();  // the next ticket may go in too, if a slot is left
    return Pass(*this);
  }

 private:
  void leave() {
    {
      std::lock_guard lock(mutex_);
      ++free_;
    }
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  int free_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t serving_ = 0;
};

}  // namespace vigil::server
