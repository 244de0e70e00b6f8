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
#include <exception>
#include <functional>
#include <list>
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
    queue_.push_back(&me);  // should this throw, nothing is queued
    while (!me.done) {
      if (writing_) {
        changed_.wait(lock);
        continue;
      }
      // Taken by splice, which cannot throw: no item may be left queued once its caller has
      // gone, nor the queue marked as being written with no one writing it.
      std::list<Queued*> group;
      group.splice(group.end(), queue_, queue_.begin(), group_end());
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
  using Queue = std::list<Queued*>;

  // Where the next group ends in the queue, which is never empty here: after its first item,
  // and after each next one while their sizes add up to at most max_size_.
  typename Queue::iterator group_end() {
    if (size_ == nullptr) return queue_.end();
    auto end = queue_.begin();
    std::size_t total = size_(*(*end)->item);
    for (++end; end != queue_.end() && total + size_(*(*end)->item) <= max_size_; ++end) {
      total += size_(*(*end)->item);
    }
    return end;
  }

  Write write_;
  Size size_;
  std::size_t max_size_;
  std::mutex mutex_;
  std::condition_variable changed_;
  Queue queue_;
  bool writing_ = false;
};

}  // namespace vigil::server
