// FlatMultiMap64: 64-bit keys to several 32-bit values each, for the indexes of large NATs
// (external port -> mappings, internal endpoint -> mappings). One open-addressing table
// (FlatTable64) from a key to the head of its chain, and one pooled array of chain nodes
// (value, next) with a free list: no heap block per entry, where std::unordered_multimap
// allocates a node per value.
//
// Order: the values of one key are visited newest first, and erasing a value keeps the
// order of the others. That is the order libstdc++'s std::unordered_multimap gives
// (emplace puts a value before the first equal key; rehash and erase keep the relative
// order of equal keys), so a NAT that takes "the first matching mapping" decides as it did
// with the standard container. The key ~0 is reserved (FlatTable64).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/net/flat_map.hpp"

namespace p2psim::net {

class FlatMultiMap64 {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // Adds (key, value) in front of the key's other values (duplicates allowed).
  void insert(std::uint64_t key, std::uint32_t value) {
    std::uint32_t& head = heads_.get_or_insert(key, kNone);
    std::uint32_t n;
    if (free_ != kNone) {
      n = free_;
      free_ = nodes_[n].next;
    } else {
      n = static_cast<std::uint32_t>(nodes_.size());
      nodes_.push_back({});
    }
    nodes_[n] = Node{value, head};
    head = n;
    ++size_;
  }
  // Removes the first (newest) occurrence of (key, value). Returns whether one was found.
  bool erase(std::uint64_t key, std::uint32_t value) {
    std::uint32_t* head = heads_.find(key);
    if (!head) return false;
    for (std::uint32_t* link = head; *link != kNone; link = &nodes_[*link].next) {
      const std::uint32_t n = *link;
      if (nodes_[n].value != value) continue;
      *link = nodes_[n].next;
      nodes_[n].next = free_;
      free_ = n;
      --size_;
      if (*head == kNone) heads_.erase(key);
      return true;
    }
    return false;
  }
  // Calls f(value) for the key's values, newest first, while f returns true. f must not
  // modify the map.
  template <class F>
  void for_each(std::uint64_t key, F&& f) const {
    const std::uint32_t* head = heads_.find(key);
    if (!head) return;
    for (std::uint32_t n = *head; n != kNone; n = nodes_[n].next)
      if (!f(nodes_[n].value)) return;
  }
  std::size_t count(std::uint64_t key) const {
    std::size_t c = 0;
    for_each(key, [&c](std::uint32_t) { return ++c, true; });
    return c;
  }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return heads_.memory_bytes() + nodes_.capacity() * sizeof(Node); }

 private:
  struct Node {
    std::uint32_t value = 0;
    std::uint32_t next = kNone;
  };
  FlatTable64<std::uint32_t> heads_;
  std::vector<Node> nodes_;
  std::uint32_t free_ = kNone;
  std::size_t size_ = 0;
};

}  // namespace p2psim::net
