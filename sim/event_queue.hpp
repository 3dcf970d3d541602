// EventQueue: the pending-event set of one Simulator.
//
// Ordered by (time, insertion sequence): equal times run first-in-first-out. Time never
// goes backwards (a push must not be earlier than the last popped time), which lets us
// use a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990) in its multi-digit form:
// times are read as 13 digits of 5 bits, and bucket (L, d) holds the entries whose
// highest digit differing from `last_` (the minimum of the last bucket redistributed)
// is digit L, with value d there. Buckets in (L, d) order are in time order, so the
// first non-empty bucket, found with two count-trailing-zeros on bitmaps, holds the
// minimum. Popping it:
//   - level 0: the bucket holds one exact time; pop its head (first in, first out);
//   - level >= 1, one chunk (<= 15 entries): sort it once by (time, seq) with a
//     branch-free sorting network on packed keys, and pop its head; a push into it
//     is inserted in order;
//   - level >= 1, more: redistribute it relative to its minimum into lower levels.
// Push is O(1). An entry moves at most 12 times over its life, and for delays spanning
// 2^k ns at most about k/5 times (PHOLD with millisecond delays: 1.7 moves per event at
// 10^4 pending, 3.4 at 10^6).
//
// FIFO without comparing sequence numbers: every bucket is a chain of chunks appended
// at the tail. A push carries the largest sequence number so far, and a redistribution
// empties one bucket, in chain order, into buckets that are all empty, so equal times
// always sit in sequence order; the sort keeps it (its keys carry the chain position).
//
// Memory: the public Entry is 40 bytes; inside the queue an entry is stored as a
// 32-byte record (time; sequence number and invoker index packed in 64 bits; 16 bytes
// of inline callback storage), the invoker pointer being interned in a small per-queue
// table. Records live in chains of 15-record chunks (488 bytes) from a free list, so the
// steady state allocates nothing per event and holds no doubled vector's slack. Limits
// (checked, std::length_error): sequence numbers below 2^48 (at 10^8 events/s, a month
// of wall-clock time for one queue) and at most 65,535 distinct invoker functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "sim/seq_set.hpp"

namespace p2psim {

class EventQueue {
 public:
  // What an entry's invoker is asked to do with its callback.
  enum class Op : unsigned char {
    destroy,        // destroy it without running (cancellation, teardown)
    run,            // run it, then destroy it
    prefetch_far,   // a hint: it runs in about Simulator::kLookahead events; start loading its state
    prefetch_near,  // a hint: it runs in about Simulator::kNearAhead events
  };
  // One pending event. `call(storage, Op::run)` runs and destroys the callback;
  // `call(storage, Op::destroy)` only destroys it; the prefetch ops read, never change,
  // anything (see Simulator).
  struct Entry {
    std::uint64_t time;
    std::uint64_t seq;
    void (*call)(void* storage, Op op);
    alignas(8) unsigned char storage[16];
  };
  static_assert(sizeof(Entry) == 40, "EventQueue::Entry must stay 40 bytes");

  EventQueue();
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

  // Bytes held by the queue: the object itself, every chunk ever allocated (in use or
  // free), the invoker table and the cancelled set (for the benchmark's memory figure).
  std::size_t memory_bytes() const;

 private:
  using Invoker = void (*)(void* storage, Op op);
  struct Record {
    std::uint64_t time;
    std::uint64_t seq_call;  // seq << 16 | invoker index
    alignas(8) unsigned char storage[16];
  };
  static_assert(sizeof(Record) == 32);

  static constexpr int kDigitBits = 5;
  static constexpr int kDigits = 1 << kDigitBits;
  static constexpr int kLevels = (64 + kDigitBits - 1) / kDigitBits;
  static constexpr int kBuckets = kLevels * kDigits;
  static constexpr std::uint32_t kChunkRecords = 15;
  static constexpr int kCallBits = 16;

  struct Chunk {
    Record records[kChunkRecords];
    Chunk* next;
  };
  // A chain of chunks. Records are appended at `cur` (tail chunk) and, once the bucket
  // is popped, taken at `read` (head chunk): a level-0 bucket always has `read` set and
  // pops first-in-first-out; a level >= 1 bucket has it set only once it is a single
  // sorted chunk (see prepare()), and otherwise keeps FIFO order for redistribution.
  struct Bucket {
    Record* cur = nullptr;   // next free slot of the tail chunk (nullptr: empty bucket)
    Record* end = nullptr;   // one past the tail chunk's last slot
    Record* read = nullptr;  // next record to pop, or nullptr (see above)
    Chunk* head = nullptr;
    Chunk* tail = nullptr;
    std::uint64_t min = ~std::uint64_t{0};  // smallest time appended (FIFO buckets)
  };

  static unsigned bucket_of(std::uint64_t time, std::uint64_t last) {
    const std::uint64_t x = time ^ last;
    // Highest differing bit (0 when time == last); its digit is the level.
    const unsigned level = static_cast<unsigned>(63 - __builtin_clzll(x | 1)) / kDigitBits;
    const unsigned digit = static_cast<unsigned>(time >> (level * kDigitBits)) & (kDigits - 1);
    return level * kDigits + digit;
  }
  static std::uint32_t call_index(std::uint64_t seq_call) {
    return static_cast<std::uint32_t>(seq_call & ((1u << kCallBits) - 1));
  }
  // The slot for a new record of time `time` at the end of FIFO bucket `bucket`.
  Record* append_slot(unsigned bucket, std::uint64_t time) {
    Bucket& b = buckets_[bucket];
    if (b.cur == b.end) [[unlikely]]
      grow(bucket);
    b.min = time < b.min ? time : b.min;
    return b.cur++;
  }
  void grow(unsigned bucket);                            // adds a tail chunk
  Record* insert_slot(unsigned bucket, std::uint64_t time);  // slot in a sorted bucket
  [[noreturn]] static void throw_seq_overflow();
  bool prepare(unsigned bucket, std::uint64_t limit);    // sorts or redistributes
  void head_exhausted(unsigned bucket);
  bool drop_if_cancelled(Entry& e);
  void redistribute(unsigned bucket);
  void mark_empty(unsigned bucket);
  Chunk* new_chunk();
  void free_chunk(Chunk* c) {
    c->next = free_;
    free_ = c;
  }
  std::uint32_t intern_slow(Invoker f);

  std::uint64_t last_ = 0;
  std::uint32_t level_mask_ = 0;      // bit L set: some bucket of level L is non-empty
  std::uint64_t digit_mask_[kLevels]; // bit d of [L] set: bucket (L, d) is non-empty
  Bucket buckets_[kBuckets];
  Chunk* free_ = nullptr;
  std::size_t chunks_ = 0;            // chunks allocated (in buckets or on the free list)
  std::size_t size_ = 0;
  // Direct-mapped cache of recent invokers (kCacheSize ways, by a hash of the pointer), in
  // front of the open-addressing table: models alternate a handful of event types (packet
  // arrival, timer, signalling), which a single-entry cache missed on nearly every push.
  static constexpr std::size_t kCacheSize = 16;
  static std::size_t cache_way(Invoker f) {
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(f) * 0x9e3779b97f4a7c15ULL) >> 60);
  }
  struct CachedCall {
    Invoker call = nullptr;
    std::uint32_t index = 0;
  };
  CachedCall call_cache_[kCacheSize];
  std::vector<Invoker> invokers_;     // invoker index -> function
  std::vector<std::uint32_t> slots_;  // open-addressing hash: invoker -> index + 1
  SeqSet cancelled_;
};

inline void EventQueue::push(const Entry& e) {
  if (e.seq >> (64 - kCallBits) != 0) [[unlikely]]
    throw_seq_overflow();
  const CachedCall& cached = call_cache_[cache_way(e.call)];
  const std::uint32_t call = e.call == cached.call ? cached.index : intern_slow(e.call);
  const unsigned bucket = bucket_of(e.time, last_);
  Record* r = buckets_[bucket].read != nullptr && bucket >= kDigits ? insert_slot(bucket, e.time)
                                                                    : append_slot(bucket, e.time);
  r->time = e.time;
  r->seq_call = e.seq << kCallBits | call;
  std::memcpy(r->storage, e.storage, sizeof r->storage);
  ++size_;
}

inline bool EventQueue::pop_until(std::uint64_t limit, Entry& out) {
  for (;;) {
    if (level_mask_ == 0) return false;
    const unsigned level = static_cast<unsigned>(__builtin_ctz(level_mask_));
    const unsigned bucket = level * kDigits + static_cast<unsigned>(__builtin_ctzll(digit_mask_[level]));
    Bucket& b = buckets_[bucket];
    // The first non-empty bucket holds the minimum: pop it at `read` (a level-0 bucket,
    // one time in sequence order, or a sorted one), or prepare it first.
    Record* rd = b.read;
    if (rd == nullptr) [[unlikely]] {
      if (!prepare(bucket, limit)) return false;
      continue;
    }
    if (rd->time > limit) return false;
    out.time = rd->time;
    out.seq = rd->seq_call >> kCallBits;
    out.call = invokers_[call_index(rd->seq_call)];
    std::memcpy(out.storage, rd->storage, sizeof out.storage);
    b.read = ++rd;
    if (rd == b.cur || rd == b.head->records + kChunkRecords) [[unlikely]]
      head_exhausted(bucket);
    --size_;
    if (!cancelled_.empty()) [[unlikely]] {
      if (drop_if_cancelled(out)) continue;
    }
    return true;
  }
}

}  // namespace p2psim
