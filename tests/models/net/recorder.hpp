// Test helper: a PacketSink that records what a socket receives, and a NetObserver that
// records sends and drops.
#pragma once

#include <functional>
#include <vector>

#include "models/net/network.hpp"

namespace p2psim::test {

struct Received {
  net::Packet packet;
  SimTime at;
};

class Recorder : public net::PacketSink {
 public:
  explicit Recorder(Simulator& sim) : sim_(sim) {}
  std::vector<Received> got;
  int connected = 0, failed = 0;
  SimTime connected_at;
  std::function<void(net::Host&, const net::Packet&)> on_receive;  // optional reaction
  void on_packet(net::Host& h, const net::Packet& p, std::uint64_t) override {
    got.push_back({p, sim_.now()});
    if (on_receive) on_receive(h, p);
  }
  void on_connected(net::Host&, std::uint16_t, net::Endpoint, std::uint64_t) override {
    ++connected;
    connected_at = sim_.now();
  }
  void on_connect_failed(net::Host&, std::uint16_t, net::Endpoint, std::uint64_t) override { ++failed; }

 private:
  Simulator& sim_;
};

class NetLog : public net::NetObserver {
 public:
  struct Sent {
    net::Packet packet;
    net::NodeId from;
    SimTime at;
  };
  std::vector<Sent> sent;
  std::vector<net::DropReason> drops;
  void on_send(const net::Packet& p, net::NodeId from, SimTime t) override { sent.push_back({p, from, t}); }
  void on_drop(const net::Packet&, net::NodeId, net::DropReason r, SimTime) override { drops.push_back(r); }
};

inline net::Packet udp(net::Endpoint src, net::Endpoint dst, std::uint32_t size = 100, std::uint32_t seq = 0) {
  net::Packet p;
  p.src = src;
  p.dst = dst;
  p.size_bytes = size;
  p.payload = net::AppData{1, seq, 0};
  return p;
}

}  // namespace p2psim::test
