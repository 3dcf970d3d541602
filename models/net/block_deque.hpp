// BlockDeque: a deque whose blocks hold 64 KiB of elements, for the large populations of
// objects the network and the population build (hosts, NAT boxes, ICE endpoints and
// sessions: up to millions).
//
// Why not std::deque: libstdc++'s blocks are 512 bytes, i.e. one NAT box (~350 B) or two
// sessions per block, so each element is a heap block of its own and reaching one goes
// through a map of a pointer per element or two -- a map of megabytes whose entry is a
// cache miss of its own before the element's. With 64 KiB blocks the map of a million
// elements is a few kilobytes (it stays in cache) and neighbours in creation order are
// neighbours in memory. Elements never move (references stay valid on emplace_back), as
// with std::deque; T need not be movable.
#pragma once

#include <cstddef>

#include <boost/container/deque.hpp>
#include <boost/container/options.hpp>

namespace p2psim::net {

inline constexpr std::size_t kBlockDequeBytes = 64 * 1024;

template <class T>
using BlockDeque =
    boost::container::deque<T, void, boost::container::deque_options_t<boost::container::block_bytes<kBlockDequeBytes>>>;

}  // namespace p2psim::net
