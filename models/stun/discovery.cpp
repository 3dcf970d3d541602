#include "models/stun/discovery.hpp"

#include "models/net/network.hpp"
#include "models/stun/server.hpp"

namespace p2psim::stun {

namespace {
enum Test : int { kMapI = 1, kMapII, kMapIII, kFiltI, kFiltII, kFiltIII };
}

std::string DiscoveryResult::describe() const {
  if (udp_blocked) return "UDP blocked (no answer to test I)";
  std::string s = behind_nat ? "behind NAT: " : "no NAT (public address): ";
  s += std::string(nat::short_name(mapping)) + " (" + nat::to_string(mapping) + " mapping) + " +
       nat::short_name(filtering) + " (" + nat::to_string(filtering) + " filtering)";
  s += "; local " + local.to_string() + ", mapped " + mapped[0].to_string();
  return s;
}

class Discovery::Handler : public TransactionHandler {
 public:
  explicit Handler(Discovery& d) : d_(d) {}
  void on_response(const Message& r, const net::Packet&, std::uint64_t cookie) override {
    d_.step(static_cast<int>(cookie), &r);
  }
  void on_timeout(const Message&, std::uint64_t cookie) override { d_.step(static_cast<int>(cookie), nullptr); }

 private:
  Discovery& d_;
};

Discovery::Discovery(net::Host& host, net::Endpoint server, std::uint64_t seed, std::uint16_t mapping_port,
                     std::uint16_t filtering_port)
    : host_(&host),
      server_(server),
      map_port_(mapping_port),
      filt_port_(filtering_port),
      map_tx_(host, mapping_port, derive_seed(seed, "discovery-map")),
      filt_tx_(host, filtering_port, derive_seed(seed, "discovery-filter")),
      handler_(std::make_unique<Handler>(*this)) {
  host.bind(map_port_, this, 0);
  host.bind(filt_port_, this, 1);
}

Discovery::~Discovery() {
  host_->unbind(map_port_);
  host_->unbind(filt_port_);
}

void Discovery::on_packet(net::Host&, const net::Packet& p, std::uint64_t cookie) {
  if (cookie == 0) map_tx_.on_packet(p);
  else filt_tx_.on_packet(p);
}

void Discovery::start(std::function<void(const DiscoveryResult&)> done) {
  done_ = std::move(done);
  started_ = host_->network().sim().now();
  result_ = DiscoveryResult{};
  result_.local = net::Endpoint{host_->address(), map_port_};
  ++result_.transactions;
  map_tx_.start(make_request(Method::binding, {}), server_, handler_.get(), kMapI);
}

void Discovery::finish() {
  finished_ = true;
  result_.duration = host_->network().sim().now() - started_;
  if (done_) done_(result_);
}

void Discovery::step(int test, const Message* r) {
  auto mapped = [&] { return r && r->has(kXorMappedAddress) ? r->xor_mapped_address : net::Endpoint{}; };
  auto request = [&](ClientTransactions& tx, net::Endpoint to, std::uint32_t change, int next) {
    Message m = make_request(Method::binding, {});
    if (change) {
      m.change_flags = change;
      m.set(kChangeRequest);
    }
    ++result_.transactions;
    tx.start(m, to, handler_.get(), static_cast<std::uint64_t>(next));
  };
  switch (test) {
    case kMapI:
      if (!r || r->cls != Class::success) {
        result_.udp_blocked = true;
        finish();
        return;
      }
      result_.mapped[0] = mapped();
      other_ = r->other_address;
      result_.behind_nat = result_.mapped[0] != result_.local;
      if (!result_.behind_nat) {
        result_.mapping = nat::Mapping::endpoint_independent;
        request(filt_tx_, server_, kChangeIp | kChangePort, kFiltII);  // firewall filtering still matters
        return;
      }
      request(map_tx_, net::Endpoint{other_.addr, server_.port}, 0, kMapII);
      return;
    case kMapII:
      result_.mapped[1] = mapped();
      if (result_.mapped[1] == result_.mapped[0]) {
        result_.mapping = nat::Mapping::endpoint_independent;
        request(filt_tx_, server_, 0, kFiltI);
        return;
      }
      request(map_tx_, other_, 0, kMapIII);
      return;
    case kMapIII:
      result_.mapped[2] = mapped();
      result_.mapping = result_.mapped[2] == result_.mapped[1] ? nat::Mapping::address_dependent
                                                               : nat::Mapping::address_port_dependent;
      request(filt_tx_, server_, 0, kFiltI);
      return;
    case kFiltI:
      // Opens this port's mapping towards the primary address only.
      request(filt_tx_, server_, kChangeIp | kChangePort, kFiltII);
      return;
    case kFiltII:
      if (r && r->cls == Class::success) {
        result_.filtering = nat::Filtering::endpoint_independent;
        finish();
        return;
      }
      request(filt_tx_, server_, kChangePort, kFiltIII);
      return;
    case kFiltIII:
      result_.filtering = r && r->cls == Class::success ? nat::Filtering::address_dependent
                                                        : nat::Filtering::address_port_dependent;
      finish();
      return;
  }
}

DiscoveryResult discover(const std::vector<nat::NatConfig>& layers, std::uint64_t seed) {
  Simulator sim;
  net::Network net(sim, seed);
  const net::NodeId core = net.add_router("core");
  const net::LinkSpec wan{SimTime::ms(10)};
  const net::LinkSpec lan{SimTime::ms(1)};
  const net::NodeId server_node = net.add_host(core, wan, net::Ipv4::of(198, 51, 100, 1));
  ServerConfig cfg;
  cfg.alternate = net::Ipv4::of(198, 51, 100, 2);
  Server server(net.host(server_node), cfg);
  const net::NodeId gw = net.add_nat_chain(core, layers, wan, lan);
  const net::NodeId client = net.add_host(gw, lan);
  Discovery d(net.host(client), server.primary(), seed);
  DiscoveryResult out;
  d.start([&](const DiscoveryResult& r) { out = r; });
  sim.run();
  return out;
}

}  // namespace p2psim::stun
