// SeqSet: a set of event sequence numbers (non-zero 64-bit integers), for the event queue's
// cancelled events. Open addressing with linear probing in one power-of-two array (load
// <= 1/2), backward-shift deletion (no tombstones), no allocation per element: a lookup is
// a multiply and one or two adjacent slots, where a node-based set would chase a pointer
// and allocate on every insert. The queue looks up every popped event while any
// cancellation is pending, so this lookup is on the hot path of models that cancel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace p2psim {

class SeqSet {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint64_t); }

  // Inserts `seq` (precondition: seq != 0). Returns false when it was present.
  bool insert(std::uint64_t seq) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    std::size_t i = home(seq);
    while (slots_[i] != 0) {
      if (slots_[i] == seq) return false;
      i = (i + 1) & mask_;
    }
    slots_[i] = seq;
    ++size_;
    return true;
  }

  // Removes `seq` if present; returns whether it was.
  bool erase(std::uint64_t seq) {
    if (size_ == 0) return false;
    std::size_t i = home(seq);
    while (slots_[i] != seq) {
      if (slots_[i] == 0) return false;
      i = (i + 1) & mask_;
    }
    // Backward shift: move later members of the probe run into the hole when their home
    // position allows it, so lookups never need tombstones.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; slots_[j] != 0; j = (j + 1) & mask_) {
      const std::size_t h = home(slots_[j]);
      // slots_[j] may move to `hole` unless its home lies cyclically in (hole, j].
      const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (!stays) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = 0;
    --size_;
    return true;
  }

 private:
  std::size_t home(std::uint64_t seq) const {
    std::uint64_t x = seq * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(x >> 32) & mask_;
  }
  void grow() {
    std::vector<std::uint64_t> old = std::move(slots_);
    const std::size_t cap = old.empty() ? 64 : old.size() * 2;
    slots_.assign(cap, 0);
    mask_ = cap - 1;
    size_ = 0;
    for (std::uint64_t s : old)
      if (s != 0) insert(s);
  }

  std::vector<std::uint64_t> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace p2psim
