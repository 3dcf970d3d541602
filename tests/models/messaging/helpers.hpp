// Test helpers for the messaging models.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "models/messaging/observer.hpp"

namespace p2psim::messaging::testing {

// Records everything an architecture reports.
struct Recorder : Observer {
  std::map<std::pair<std::uint32_t, std::uint32_t>, SimTime> first;  // (msg, user) -> time
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> hops;
  struct Tx {
    std::uint32_t from, to;
    int pdus;
    bool ok;
    SimTime at;
  };
  std::vector<Tx> tx;
  std::map<std::uint32_t, std::vector<std::pair<std::uint32_t, std::uint32_t>>> server_copies;
  std::int64_t bytes = 0;
  int copies = 0, control = 0;
  std::map<std::uint32_t, std::int64_t> stored;

  void on_delivered(std::uint32_t m, std::uint32_t u, SimTime at, int h) override {
    if (first.emplace(std::make_pair(m, u), at).second) hops[{m, u}] = h;
  }
  void on_transfer(std::uint32_t, Leg, std::int64_t b, int c) override {
    bytes += b;
    copies += c;
  }
  void on_control(Leg, int c) override { control += c; }
  void on_storage(std::uint32_t node, std::int64_t d, SimTime) override { stored[node] += d; }
  void on_transaction(std::uint32_t f, std::uint32_t t, int p, bool ok, SimTime at) override {
    tx.push_back({f, t, p, ok, at});
  }
  void on_server_copy(std::uint32_t m, std::uint32_t f, std::uint32_t t) override {
    server_copies[m].push_back({f, t});
  }
};

}  // namespace p2psim::messaging::testing
