#include "sim/event_queue.hpp"

#include <stdexcept>

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
      for (Record* r = from; r < to; ++r) invokers_[call_index(r->seq_call)](r->storage, false);
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
    cached_index_ = static_cast<std::uint32_t>(invokers_.size() - 1);
  } else {
    cached_index_ = slots_[i] - 1;
  }
  cached_call_ = f;
  return cached_index_;
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
    if (next != nullptr) __builtin_prefetch(next);
    const Record* to = c == src.tail ? src.cur : c->records + kChunkRecords;
    for (const Record* r = c->records; r < to; ++r) *append_slot(bucket_of(r->time, last), r->time) = *r;
    free_chunk(c);  // every record is copied out: the chunk may serve the next appends
    c = next;
  }
}

// The first non-empty bucket is a FIFO bucket of level >= 1. Returns false if its
// minimum is later than `limit`; otherwise redistributes it or, when it is a single
// chunk, sorts it in place by time (insertion sort: stable, and chain order is sequence
// order for equal times) to be popped at its head: cheaper than moving every record
// again.
bool EventQueue::prepare(unsigned bucket, std::uint64_t limit) {
  Bucket& b = buckets_[bucket];
  if (b.min > limit) return false;
  if (b.head != b.tail) {
    redistribute(bucket);
    return true;
  }
  Record* first = b.head->records;
  for (Record* j = first + 1; j < b.cur; ++j) {
    const Record x = *j;
    Record* k = j;
    while (k > first && (k - 1)->time > x.time) {
      *k = *(k - 1);
      --k;
    }
    *k = x;
  }
  b.read = first;
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
  auto it = cancelled_.find(e.seq);
  if (it == cancelled_.end()) return false;
  cancelled_.erase(it);
  e.call(e.storage, false);
  return true;
}

void EventQueue::cancel(std::uint64_t seq) { cancelled_.insert(seq); }

std::size_t EventQueue::memory_bytes() const {
  return sizeof(*this) + chunks_ * sizeof(Chunk) + invokers_.capacity() * sizeof(Invoker) +
         slots_.capacity() * sizeof(std::uint32_t) +
         cancelled_.size() * (sizeof(std::uint64_t) + 2 * sizeof(void*)) +
         cancelled_.bucket_count() * sizeof(void*);
}

}  // namespace p2psim
