#include "sim/event_queue.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace p2psim {

EventQueue::~EventQueue() {
  destroy_all();
  for (Chunk* c : all_chunks_) delete c;
}

void EventQueue::destroy_all() {
  for (std::size_t i = front_head_; i < front_.size(); ++i) front_[i].call(front_[i].storage, false);
  front_.clear();
  front_head_ = 0;
  for (Bucket& b : buckets_) {
    for (Chunk* c = b.head; c != nullptr; c = c->next)
      for (std::uint32_t i = 0; i < c->count; ++i) c->entries[i].call(c->entries[i].storage, false);
    release_chain(b.head);
    b = Bucket{};
  }
  size_ = 0;
  cancelled_.clear();
}

int EventQueue::bucket_index(std::uint64_t key, std::uint64_t last) {
  return key == last ? 0 : 64 - std::countl_zero(key ^ last);
}

EventQueue::Chunk* EventQueue::new_chunk() {
  if (free_ != nullptr) {
    Chunk* c = free_;
    free_ = c->next;
    c->count = 0;
    c->next = nullptr;
    return c;
  }
  Chunk* c = new Chunk;
  all_chunks_.push_back(c);
  return c;
}

void EventQueue::release_chain(Chunk* c) {
  while (c != nullptr) {
    Chunk* next = c->next;
    c->next = free_;
    free_ = c;
    c = next;
  }
}

void EventQueue::bucket_push(Bucket& b, const Entry& e) {
  if (b.head == nullptr || b.head->count == kChunkEntries) {
    Chunk* c = new_chunk();
    c->next = b.head;
    b.head = c;
  }
  b.head->entries[b.head->count++] = e;
  ++b.size;
}

void EventQueue::push(const Entry& e) {
  const int b = bucket_index(e.time, last_);
  if (b == 0) {
    front_.push_back(e);  // sequence numbers only grow, so order is kept
  } else {
    bucket_push(buckets_[b], e);
  }
  ++size_;
}

bool EventQueue::refill_front(std::uint64_t limit, bool* too_late) {
  *too_late = false;
  if (front_head_ < front_.size()) {
    if (front_[front_head_].time > limit) *too_late = true;
    return true;
  }
  front_.clear();
  front_head_ = 0;
  int b = 1;
  while (b < 65 && buckets_[b].size == 0) ++b;
  if (b == 65) return false;
  Bucket& src = buckets_[b];
  std::uint64_t min_time = std::numeric_limits<std::uint64_t>::max();
  for (Chunk* c = src.head; c != nullptr; c = c->next)
    for (std::uint32_t i = 0; i < c->count; ++i) min_time = std::min(min_time, c->entries[i].time);
  if (min_time > limit) {
    *too_late = true;
    return true;
  }
  last_ = min_time;
  Chunk* chain = src.head;
  src = Bucket{};
  for (Chunk* c = chain; c != nullptr; c = c->next) {
    for (std::uint32_t i = 0; i < c->count; ++i) {
      const Entry& e = c->entries[i];
      const int nb = bucket_index(e.time, last_);
      if (nb == 0) front_.push_back(e);
      else bucket_push(buckets_[nb], e);
    }
  }
  release_chain(chain);
  if (front_.size() > 1)
    std::sort(front_.begin(), front_.end(), [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
  return true;
}

bool EventQueue::pop_until(std::uint64_t limit, Entry& out) {
  for (;;) {
    bool too_late = false;
    if (!refill_front(limit, &too_late) || too_late) return false;
    out = front_[front_head_++];
    --size_;
    if (!cancelled_.empty()) {
      auto it = cancelled_.find(out.seq);
      if (it != cancelled_.end()) {
        cancelled_.erase(it);
        out.call(out.storage, false);
        continue;
      }
    }
    return true;
  }
}

void EventQueue::cancel(std::uint64_t seq) { cancelled_.insert(seq); }

std::size_t EventQueue::memory_bytes() const {
  return all_chunks_.size() * sizeof(Chunk) + front_.capacity() * sizeof(Entry) +
         cancelled_.size() * (sizeof(std::uint64_t) + 2 * sizeof(void*));
}

}  // namespace p2psim
