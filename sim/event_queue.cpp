#include "sim/event_queue.hpp"

#include <stdexcept>

namespace p2psim {

EventQueue::EventQueue() {
  for (auto& m : digit_mask_) m = 0;
}

EventQueue::~EventQueue() {
  // Destroy every callback still held (pending or cancelled), then free the chunks.
  for (Bucket& b : buckets_) {
    std::uint32_t pos = b.head_pos;
    for (Chunk* c = b.head; c != nullptr;) {
      const std::uint32_t n = c == b.tail ? b.tail_count : kChunkRecords;
      for (; pos < n; ++pos) {
        Record& r = c->records[pos];
        invokers_[call_index(r.seq_call)](r.storage, false);
      }
      pos = 0;
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
  if (b.tail == nullptr) {
    b.head = c;
    b.head_pos = 0;
    const unsigned level = bucket / kDigits;
    level_mask_ |= 1u << level;
    digit_mask_[level] |= std::uint64_t{1} << (bucket % kDigits);
  } else {
    b.tail->next = c;
  }
  b.tail = c;
  b.tail_count = 0;
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
  Chunk* c = b.head;
  if (b.tail_count == kChunkRecords) {
    if (b.head_pos == 0) {
      // Full: back to plain FIFO order, which is all a redistribution needs (equal
      // times stay in sequence order, and the new record comes last).
      b.sorted = false;
      b.min = c->records[0].time;
      return append_slot(bucket, time);
    }
    std::memmove(&c->records[0], &c->records[b.head_pos], (b.tail_count - b.head_pos) * sizeof(Record));
    b.tail_count = static_cast<std::uint16_t>(b.tail_count - b.head_pos);
    b.head_pos = 0;
  }
  std::uint32_t i = b.tail_count;
  while (i > b.head_pos && c->records[i - 1].time > time) {
    c->records[i] = c->records[i - 1];
    --i;
  }
  ++b.tail_count;
  return &c->records[i];
}

// Empties bucket `bucket` (level >= 1, not sorted) into lower levels, relative to its
// minimum; those levels are empty, so every record goes to an unsorted bucket.
void EventQueue::redistribute(unsigned bucket) {
  const Bucket src = buckets_[bucket];
  mark_empty(bucket);
  last_ = src.min;
  const std::uint64_t last = last_;
  std::uint32_t i = src.head_pos;
  for (Chunk* c = src.head; c != nullptr;) {
    Chunk* next = c->next;
    if (next != nullptr) __builtin_prefetch(next);
    const std::uint32_t n = c == src.tail ? src.tail_count : kChunkRecords;
    for (; i < n; ++i) {
      const Record& r = c->records[i];
      *append_slot(bucket_of(r.time, last), r.time) = r;
    }
    free_chunk(c);  // every record is copied out: the chunk may serve the next appends
    c = next;
    i = 0;
  }
}

// The first non-empty bucket is unsorted and of level >= 1. Returns false if its
// minimum is later than `limit`; otherwise sorts it (one chunk) or redistributes it.
bool EventQueue::prepare(unsigned bucket, std::uint64_t limit) {
  Bucket& b = buckets_[bucket];
  if (b.min > limit) return false;
  if (b.head != b.tail) {
    redistribute(bucket);
    return true;
  }
  // Few records: sort them in place by time (insertion sort; stable, and chain order is
  // sequence order for equal times) and pop them from the head.
  Record* rec = b.head->records;
  for (std::uint32_t j = b.head_pos + 1; j < b.tail_count; ++j) {
    const Record x = rec[j];
    std::uint32_t k = j;
    while (k > b.head_pos && rec[k - 1].time > x.time) {
      rec[k] = rec[k - 1];
      --k;
    }
    rec[k] = x;
  }
  b.sorted = true;
  return true;
}

// The head chunk of `bucket` has no records left to pop.
void EventQueue::head_exhausted(unsigned bucket) {
  Bucket& b = buckets_[bucket];
  Chunk* c = b.head;
  if (c == b.tail) {
    free_chunk(c);
    mark_empty(bucket);
  } else {
    b.head = c->next;
    b.head_pos = 0;
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
