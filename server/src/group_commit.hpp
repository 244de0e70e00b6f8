// Group commit, the one way the server's writers (pushes, audit rows) share their connection.
// A caller hands its item to submit() and waits. Whenever no group is being written, the first
// waiting caller to notice takes the items queued then (its own, or ones queued before it) and
// writes them together, in one transaction with one commit, while the others wait; then it wakes
// them. Under load the disk is waited for once for many items; a lone item is written at once.
// Only the thread writing a group uses the connection, so it needs no lock of its own.
// Thread-safe. Private to server/.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <iterator>
#include <mutex>
#include <utility>
#include <vector>

namespace vigil::server {

template <class Item>
class GroupCommit {
 public:
  // write(group) writes a group of items; what it throws is rethrown to every caller in the
  // group (an item whose outcome is its own records it in the item). size(item) and max_size
  // bound a group: it takes items in order while their sizes add up to at most max_size, and
  // always at least one. Without size a group takes every item queued.
  using Write = std::function<void(const std::vector<Item*>& group)>;
  using Size = std::size_t (*)(const Item&);
  explicit GroupCommit(Write write, Size size = nullptr, std::size_t max_size = 0)
      : write_(std::move(write)), size_(size), max_size_(max_size) {}

  // Returns once the item is written, by this thread or another; throws what writing it threw.
  void submit(Item& item) {
    Queued me{&item, nullptr, false};
    std::unique_lock lock(mutex_);
    queue_.push_back(&me);
    while (!me.done) {
      if (writing_) {
        changed_.wait(lock);
        continue;
      }
      // Copied before the queue gives them up, so an allocation that fails leaves every item
      // queued and no group marked as being written with no one writing it.
      std::vector<Queued*> group(queue_.begin(), queue_.begin() + group_length());
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(group.size()));
      writing_ = true;
      lock.unlock();
      std::exception_ptr error;
      try {
        std::vector<Item*> items;
        items.reserve(group.size());
        for (const auto* queued : group) items.push_back(queued->item);
        write_(items);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      for (auto* queued : group) {
        queued->error = error;
        queued->done = true;
      }
      writing_ = false;
      changed_.notify_all();
    }
    if (me.error) std::rethrow_exception(me.error);
  }

 private:
  struct Queued {
    Item* item;
    std::exception_ptr error;
    bool done;
  };

  // How many of the queued items the next group takes (the queue is never empty here).
  std::ptrdiff_t group_length() const {
    if (size_ == nullptr) return static_cast<std::ptrdiff_t>(queue_.size());
    std::size_t taken = 0;
    std::size_t total = 0;
    while (taken < queue_.size() &&
           (taken == 0 || total + size_(*queue_[taken]->item) <= max_size_)) {
      total += size_(*queue_[taken]->item);
      ++taken;
    }
    return static_cast<std::ptrdiff_t>(taken);
  }

  Write write_;
  Size size_;
  std::size_t max_size_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Queued*> queue_;
  bool writing_ = false;
};

}  // namespace vigil::server
