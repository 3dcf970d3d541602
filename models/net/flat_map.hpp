// Open-addressing hash maps from 64-bit keys (linear probing, power-of-two capacity,
// load <= 1/2). One contiguous array: a lookup touches one or two cache lines, where
// std::unordered_map chases a node pointer. The key ~0 is reserved as the empty marker.
// FlatTable64<V> is the map; FlatMap64 is its insert-once form with 32-bit values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace p2psim::net {

// FlatTable64<V>: the same open-addressing layout with values of any trivially copyable
// type and erase (backward-shift deletion: no tombstones, so lookups stay short after
// many erases). The key ~0 is reserved. For per-host socket indexes and per-flow state
// that std::unordered_map kept in one heap node per entry.
template <class V>
class FlatTable64 {
 public:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};

  // The value for key, or null.
  V* find(std::uint64_t key) {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = slot(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == kEmpty) return nullptr;
    }
  }
  const V* find(std::uint64_t key) const { return const_cast<FlatTable64*>(this)->find(key); }
  // The value for key, inserted as `init` when absent (like operator[]).
  V& get_or_insert(std::uint64_t key, const V& init) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    std::size_t i = slot(key);
    while (slots_[i].key != kEmpty) {
      if (slots_[i].key == key) return slots_[i].value;
      i = (i + 1) & mask_;
    }
    slots_[i] = Slot{key, init};
    ++size_;
    return slots_[i].value;
  }
  void insert_or_assign(std::uint64_t key, const V& v) { get_or_insert(key, v) = v; }
  // Removes key if present.
  void erase(std::uint64_t key) {
    if (slots_.empty()) return;
    std::size_t i = slot(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == kEmpty) return;
      i = (i + 1) & mask_;
    }
    // Backward shift: move later members of the probe run into the hole when their home
    // slot does not lie cyclically in (hole, their position].
    for (std::size_t j = (i + 1) & mask_; slots_[j].key != kEmpty; j = (j + 1) & mask_) {
      const std::size_t home = slot(slots_[j].key);
      const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!stays) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i].key = kEmpty;
    --size_;
  }
  // Keeps only the entries for which keep(key, value) is true, in a table sized for them
  // (capacity the smallest power of two >= 16 with load <= 1/2). O(capacity).
  template <class Keep>
  void retain(Keep keep) {
    std::vector<Slot> old = std::move(slots_);
    std::size_t kept = 0;
    for (const Slot& s : old) kept += s.key != kEmpty && keep(s.key, s.value);
    std::size_t cap = 16;
    while (cap < 2 * kept) cap *= 2;
    slots_.assign(cap, Slot{kEmpty, V{}});
    mask_ = cap - 1;
    size_ = 0;
    for (const Slot& s : old)
      if (s.key != kEmpty && keep(s.key, s.value)) get_or_insert(s.key, s.value);
  }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint64_t key;
    V value;
  };
  std::size_t slot(std::uint64_t key) const {
    std::uint64_t x = key * 0x9E3779B97F4A7C15ull;
    x ^= x >> 32;
    return static_cast<std::size_t>(x) & mask_;
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    const std::size_t cap = old.empty() ? 16 : old.size() * 2;
    slots_.assign(cap, Slot{kEmpty, V{}});
    mask_ = cap - 1;
    size_ = 0;
    for (const Slot& s : old)
      if (s.key != kEmpty) get_or_insert(s.key, s.value);
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

// FlatMap64: FlatTable64<std::uint32_t> with insert-if-absent and a lookup that returns
// `missing` for an absent key (the network's address index: addresses are never withdrawn).
class FlatMap64 {
 public:
  static constexpr std::uint64_t kEmpty = FlatTable64<std::uint32_t>::kEmpty;
  // Inserts (key, value) unless present. Returns the value stored for key.
  std::uint32_t insert(std::uint64_t key, std::uint32_t value) { return t_.get_or_insert(key, value); }
  // The value for key, or `missing`.
  std::uint32_t find(std::uint64_t key, std::uint32_t missing) const {
    const std::uint32_t* v = t_.find(key);
    return v ? *v : missing;
  }
  std::size_t size() const { return t_.size(); }
  std::size_t memory_bytes() const { return t_.memory_bytes(); }

 private:
  FlatTable64<std::uint32_t> t_;
};

}  // namespace p2psim::net
