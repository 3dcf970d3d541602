// BlockDeque: an append-only sequence of objects in fixed blocks of up to 64 KiB, for the
// large populations of objects the network and the population build (hosts, NAT boxes,
// ICE endpoints and sessions: up to millions).
//
// Why not std::deque: libstdc++'s blocks are 512 bytes, i.e. one NAT box (~350 B) or two
// sessions per block, so each element is a heap block of its own and reaching one goes
// through a map of a pointer per element or two -- a map of megabytes whose entry is a
// cache miss of its own before the element's. Why not boost::container::deque with 64 KiB
// blocks (used before): its operator[] divides by the block size at run time (a 64-bit
// `idiv`, tens of cycles, on every packet's host or NAT lookup). Here a block holds a
// power of two of elements, so an index is a shift and a mask; the map of a million
// elements is a few kilobytes (it stays in cache) and neighbours in creation order are
// neighbours in memory. Elements never move (references stay valid on emplace_back), as
// with std::deque; T need not be movable. Only what the models use: emplace_back,
// indexing, size and forward iteration; elements are destroyed with the container, in
// creation order.
#pragma once

#include <bit>
#include <cstddef>
#include <iterator>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace p2psim::net {

inline constexpr std::size_t kBlockDequeBytes = 64 * 1024;

template <class T>
class BlockDeque {
 public:
  // Elements per block: the largest power of two whose block fits in 64 KiB (at least 1).
  static constexpr std::size_t kPerBlock =
      std::bit_floor(kBlockDequeBytes / sizeof(T) > 0 ? kBlockDequeBytes / sizeof(T) : std::size_t{1});
  static constexpr unsigned kShift = static_cast<unsigned>(std::countr_zero(kPerBlock));
  static constexpr std::size_t kMask = kPerBlock - 1;

  BlockDeque() = default;
  BlockDeque(const BlockDeque&) = delete;
  BlockDeque& operator=(const BlockDeque&) = delete;
  ~BlockDeque() {
    for (std::size_t i = 0; i < size_; ++i) (*this)[i].~T();
  }

  // Constructs an element at the end; returns it. References to other elements stay valid.
  template <class... A>
  T& emplace_back(A&&... args) {
    if ((size_ >> kShift) == blocks_.size()) blocks_.push_back(std::unique_ptr<Block>(new Block));  // bytes left uninitialised
    T* p = ::new (static_cast<void*>(blocks_[size_ >> kShift]->slot(size_ & kMask))) T(std::forward<A>(args)...);
    ++size_;
    return *p;
  }

  // Precondition: i < size().
  T& operator[](std::size_t i) { return *std::launder(reinterpret_cast<T*>(blocks_[i >> kShift]->slot(i & kMask))); }
  const T& operator[](std::size_t i) const {
    return *std::launder(reinterpret_cast<const T*>(blocks_[i >> kShift]->slot(i & kMask)));
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  template <class D, class V>
  class Iter {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = V*;
    using reference = V&;
    Iter() = default;
    Iter(D* d, std::size_t i) : d_(d), i_(i) {}
    V& operator*() const { return (*d_)[i_]; }
    V* operator->() const { return &(*d_)[i_]; }
    Iter& operator++() { return ++i_, *this; }
    Iter operator++(int) { Iter t = *this; ++i_; return t; }
    bool operator==(const Iter& o) const { return i_ == o.i_; }

   private:
    D* d_ = nullptr;
    std::size_t i_ = 0;
  };
  using iterator = Iter<BlockDeque, T>;
  using const_iterator = Iter<const BlockDeque, const T>;
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  struct Block {
    alignas(T) unsigned char bytes[sizeof(T) * kPerBlock];
    void* slot(std::size_t k) { return bytes + k * sizeof(T); }
    const void* slot(std::size_t k) const { return bytes + k * sizeof(T); }
  };
  std::vector<std::unique_ptr<Block>> blocks_;
  std::size_t size_ = 0;
};

}  // namespace p2psim::net
