#include "sim/event_queue.hpp"

#include "sim/prefetch.hpp"

#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace p2psim {

EventQueue::EventQueue() {
  for (auto& m : digit_mask_) m = 0;
}

EventQueue::~EventQueue() {
  // Destroy every callback still held (pending or cancelled), then free the chunks.
  for (Bucket& b : buckets_) {
    for (Chunk* c = b.head; c != nullptr;) {
      Record* from = c == b.head && b.read != nullptr ? b.read : c->records;
      Record* to = c == b.tail ? b.cur : c->records + kChunkRecords;
      for (Record* r = from; r < to; ++r) invokers_[call_index(r->seq_call)](r->storage, Op::destroy);
      Chunk* next = c->next;
      delete c;
      c = next;
    }
  }
  while (free_ != nullptr) {
    Chunk* next = free_->next;
    delete free_;
    free_ = next;
  }
}

void EventQueue::throw_seq_overflow() {
  throw std::length_error("EventQueue: sequence number beyond 2^48");
}

EventQueue::Chunk* EventQueue::new_chunk() {
  Chunk* c = free_;
  if (c != nullptr) {
    free_ = c->next;
  } else {
    c = new Chunk;
    ++chunks_;
  }
  c->next = nullptr;
  return c;
}

std::uint32_t EventQueue::intern_slow(Invoker f) {
  const auto hash = [](Invoker g, std::size_t mask) {
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(g) * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
  };
  if (slots_.empty()) slots_.assign(64, 0);
  std::size_t mask = slots_.size() - 1;
  std::size_t i = hash(f, mask);
  while (slots_[i] != 0 && invokers_[slots_[i] - 1] != f) i = (i + 1) & mask;
  if (slots_[i] == 0) {
    if (invokers_.size() >= (std::size_t{1} << kCallBits) - 1)
      throw std::length_error("EventQueue: more than 65535 distinct event callback types");
    invokers_.push_back(f);
    slots_[i] = static_cast<std::uint32_t>(invokers_.size());
    if (invokers_.size() * 2 > slots_.size()) {  // keep the load factor <= 1/2
      std::vector<std::uint32_t> grown(slots_.size() * 2, 0);
      mask = grown.size() - 1;
      for (std::uint32_t v = 1; v <= invokers_.size(); ++v) {
        std::size_t j = hash(invokers_[v - 1], mask);
        while (grown[j] != 0) j = (j + 1) & mask;
        grown[j] = v;
      }
      slots_.swap(grown);
    }
    i = invokers_.size() - 1;
  } else {
    i = slots_[i] - 1;
  }
  call_cache_[cache_way(f)] = CachedCall{f, static_cast<std::uint32_t>(i)};
  return static_cast<std::uint32_t>(i);
}

void EventQueue::grow(unsigned bucket) {
  Bucket& b = buckets_[bucket];
  Chunk* c = new_chunk();
  if (b.head == nullptr) {
    b.head = c;
    b.read = bucket < kDigits ? c->records : nullptr;  // level 0 pops at once
    const unsigned level = bucket / kDigits;
    level_mask_ |= 1u << level;
    digit_mask_[level] |= std::uint64_t{1} << (bucket % kDigits);
  } else {
    b.tail->next = c;
  }
  b.tail = c;
  b.cur = c->records;
  b.end = c->records + kChunkRecords;
}

void EventQueue::mark_empty(unsigned bucket) {
  buckets_[bucket] = Bucket{};
  const unsigned level = bucket / kDigits;
  digit_mask_[level] &= ~(std::uint64_t{1} << (bucket % kDigits));
  if (digit_mask_[level] == 0) level_mask_ &= ~(1u << level);
}

// A push into the sorted bucket being popped (an event scheduled before the bucket's
// end): insertion from the tail keeps (time, seq) order, the new record having the
// largest seq. Returns the hole to write it in.
EventQueue::Record* EventQueue::insert_slot(unsigned bucket, std::uint64_t time) {
  Bucket& b = buckets_[bucket];
  Record* first = b.head->records;
  if (b.cur == b.end) {
    if (b.read == first) {
      // Full: back to plain FIFO order, which is all a redistribution needs (equal
      // times stay in sequence order, and the new record comes last).
      b.read = nullptr;
      b.min = first->time;
      return append_slot(bucket, time);
    }
    const std::ptrdiff_t n = b.cur - b.read;
    std::memmove(first, b.read, static_cast<std::size_t>(n) * sizeof(Record));
    b.read = first;
    b.cur = first + n;
  }
  Record* p = b.cur;
  while (p > b.read && (p - 1)->time > time) {
    *p = *(p - 1);
    --p;
  }
  ++b.cur;
  return p;
}

// Empties bucket `bucket` (level >= 1, FIFO) into lower levels, relative to its minimum;
// those levels are empty, so every record goes to a FIFO bucket in chain order.
void EventQueue::redistribute(unsigned bucket) {
  const Bucket src = buckets_[bucket];
  mark_empty(bucket);
  last_ = src.min;
  const std::uint64_t last = last_;
  for (Chunk* c = src.head; c != nullptr;) {
    Chunk* next = c->next;
    if (next != nullptr) prefetch_line(next);
    const Record* to = c == src.tail ? src.cur : c->records + kChunkRecords;
    for (const Record* r = c->records; r < to; ++r) *append_slot(bucket_of(r->time, last), r->time) = *r;
    free_chunk(c);  // every record is copied out: the chunk may serve the next appends
    c = next;
  }
}

namespace {
// Batcher's odd-even merge sort network for 16 inputs (Knuth, TAOCP vol. 3, 5.3.4),
// without the comparators on input 15, which always holds the padding maximum (a chunk
// has 15 records): 56 comparators. The first 19 sort inputs 0..7 on their own.
struct Comparator {
  unsigned char a, b;
};
constexpr Comparator kNetwork[] = {
    {0, 1},   {2, 3},   {4, 5},   {6, 7},   {0, 2},   {1, 3},   {4, 6},   {5, 7},   {1, 2},   {5, 6},
    {0, 4},   {1, 5},   {2, 6},   {3, 7},   {2, 4},   {3, 5},   {1, 2},   {3, 4},   {5, 6},   // 0..7 sorted
    {8, 9},   {10, 11}, {12, 13}, {8, 10},  {9, 11},  {12, 14}, {9, 10},  {13, 14}, {8, 12},  {9, 13},
    {10, 14}, {10, 12}, {11, 13}, {9, 10},  {11, 12}, {13, 14}, {0, 8},   {1, 9},   {2, 10},  {3, 11},
    {4, 12},  {5, 13},  {6, 14},  {4, 8},   {5, 9},   {6, 10},  {7, 11},  {2, 4},   {3, 5},   {6, 8},
    {7, 9},   {10, 12}, {11, 13}, {1, 2},   {3, 4},   {5, 6},   {7, 8},   {9, 10},  {11, 12}, {13, 14}};
constexpr std::size_t kNetwork8 = 19;

// Compare-exchange without a branch (the compiler emits conditional moves).
inline void compare_exchange(std::uint64_t* k, unsigned a, unsigned b) {
  const std::uint64_t x = k[a], y = k[b];
  k[a] = x < y ? x : y;
  k[b] = x < y ? y : x;
}
template <std::size_t... I>
inline void run_network(std::uint64_t* k, std::index_sequence<I...>) {
  (compare_exchange(k, kNetwork[I].a, kNetwork[I].b), ...);
}
}  // namespace

// The first non-empty bucket is a FIFO bucket of level >= 1. Returns false if its
// minimum is later than `limit`; otherwise redistributes it or, when it is a single
// chunk, sorts it by time to be popped at its head: cheaper than moving every record
// again.
//
// The sort has no data-dependent branch: every record of bucket (L, d) agrees with the
// bucket's minimum on all bits from 5L up, so time - min < 2^(5L) <= 2^60 and
// key = (time - min) << 4 | position is a unique 64-bit key whose order is (time, chain
// position), i.e. (time, seq): the sort is stable by construction. The keys go through a
// sorting network (19 comparators up to 8 records, 56 up to 15) and the records are
// copied in key order into a fresh chunk.
bool EventQueue::prepare(unsigned bucket, std::uint64_t limit) {
  Bucket& b = buckets_[bucket];
  if (b.min > limit) return false;
  if (b.head != b.tail) {
    redistribute(bucket);
    return true;
  }
  Chunk* const src = b.head;
  const Record* const first = src->records;
  const auto n = static_cast<unsigned>(b.cur - first);
  if (n > 1) {
    std::uint64_t k[16];
    const std::uint64_t base = b.min;
    for (unsigned j = 0; j < 16; ++j) {
      const std::uint64_t key = (first[j < n ? j : 0].time - base) << 4 | j;
      k[j] = j < n ? key : ~std::uint64_t{0};
    }
    if (n <= 8) {
      run_network(k, std::make_index_sequence<kNetwork8>{});
    } else {
      run_network(k, std::make_index_sequence<std::size(kNetwork)>{});
    }
    Chunk* const dst = new_chunk();
    for (unsigned j = 0; j < n; ++j) dst->records[j] = first[k[j] & 15];
    free_chunk(src);
    b.head = b.tail = dst;
    b.cur = dst->records + n;
    b.end = dst->records + kChunkRecords;
  }
  b.read = b.head->records;
  return true;
}

// The head chunk of `bucket` has no records left to pop.
void EventQueue::head_exhausted(unsigned bucket) {
  Bucket& b = buckets_[bucket];
  Chunk* c = b.head;
  if (b.read == b.cur) {
    free_chunk(c);
    mark_empty(bucket);
  } else {
    b.head = c->next;
    b.read = b.head->records;
    free_chunk(c);
  }
}

bool EventQueue::drop_if_cancelled(Entry& e) {
  if (!cancelled_.erase(e.seq)) return false;
  e.call(e.storage, Op::destroy);
  return true;
}

void EventQueue::cancel(std::uint64_t seq) { cancelled_.insert(seq); }

std::size_t EventQueue::memory_bytes() const {
  return sizeof(*this) + chunks_ * sizeof(Chunk) + invokers_.capacity() * sizeof(Invoker) +
         slots_.capacity() * sizeof(std::uint32_t) +
         cancelled_.memory_bytes();
}

}  // namespace p2psim
