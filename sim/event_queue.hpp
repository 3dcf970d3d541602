// EventQueue: the pending-event set of one Simulator.
//
// Ordered by (time, insertion sequence): equal times run first-in-first-out. Time never
// goes backwards (a push must not be earlier than the last popped time), which lets us
// use a radix heap (Ahuja et al. 1990): 65 buckets keyed by the highest bit in which an
// event's time differs from the last popped time. Push is O(1); each entry moves between
// buckets at most 64 times over its life, and in practice once or twice.
//
// Memory: an entry is 40 bytes (time, sequence, invoker, 16 bytes of inline callback
// storage). Buckets are chains of fixed-size chunks taken from a free list, so the steady
// state allocates nothing per event and never holds a doubled vector's slack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace p2psim {

class EventQueue {
 public:
  // One pending event. `call(storage, true)` runs and destroys the callback;
  // `call(storage, false)` only destroys it (cancellation, teardown).
  struct Entry {
    std::uint64_t time;
    std::uint64_t seq;
    void (*call)(void* storage, bool run);
    alignas(8) unsigned char storage[16];
  };
  static_assert(sizeof(Entry) == 40, "EventQueue::Entry must stay 40 bytes");

  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;
  ~EventQueue();

  // Precondition: e.time >= the time of the last entry popped.
  void push(const Entry& e);

  // Pops the first entry (time, seq) whose time is <= `limit` into `out`, skipping
  // cancelled entries. Returns false (and pops nothing) when the queue is empty or the
  // first entry is later than `limit`.
  bool pop_until(std::uint64_t limit, Entry& out);

  // Marks the entry with sequence `seq` as cancelled. Precondition: it is pending.
  void cancel(std::uint64_t seq);

  // Pending, not cancelled, entries.
  std::size_t size() const { return size_ - cancelled_.size(); }
  bool empty() const { return size() == 0; }

  // Bytes held by entries and chunks (for the benchmark's memory-per-event figure).
  std::size_t memory_bytes() const;

 private:
  static constexpr std::size_t kChunkEntries = 64;
  struct Chunk {
    Entry entries[kChunkEntries];
    std::uint32_t count = 0;
    Chunk* next = nullptr;
  };
  struct Bucket {
    Chunk* head = nullptr;  // head chunk is the only one that may be partly full
    std::size_t size = 0;
  };

  static int bucket_index(std::uint64_t key, std::uint64_t last);
  void bucket_push(Bucket& b, const Entry& e);
  Chunk* new_chunk();
  void release_chain(Chunk* c);
  // Makes `front_` non-empty if any entry is pending. Returns false when empty. If the
  // smallest pending time is > limit, leaves the queue unchanged and sets *too_late.
  bool refill_front(std::uint64_t limit, bool* too_late);
  void destroy_all();

  std::uint64_t last_ = 0;               // time of the last popped (or redistributed) minimum
  std::vector<Entry> front_;             // entries with time == last_, in sequence order
  std::size_t front_head_ = 0;
  Bucket buckets_[65];                   // buckets_[0] unused; front_ plays its role
  Chunk* free_ = nullptr;
  std::vector<Chunk*> all_chunks_;
  std::size_t size_ = 0;
  std::unordered_set<std::uint64_t> cancelled_;
};

}  // namespace p2psim
