// One configurable NAT model per RFC 4787 (UDP) and RFC 5382 (TCP): mapping behaviour,
// filtering behaviour, port assignment, timers and hairpinning are parameters, and the
// classic "types" are presets (see preset.hpp), not subclasses.
//
// A Nat translates packets; it does not move them. The Network calls outbound() for a
// packet arriving on the inside and inbound() for one arriving on the outside, and
// forwards the rewritten packet. Mappings expire lazily (checked on use and swept on
// insert), so a NAT schedules no events: a million idle NATs cost only their tables.
//
// Every decision is reported to a NatObserver with the rule that made it, for metrics and
// for the step-by-step "explain" narrative.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "models/net/address.hpp"
#include "models/net/flat_map.hpp"
#include "models/net/flat_multimap.hpp"
#include "models/net/packet.hpp"
#include "sim/prefetch.hpp"
#include "sim/random.hpp"
#include "sim/time.hpp"

namespace p2psim::nat {

// RFC 4787 section 4.1.
enum class Mapping : std::uint8_t { endpoint_independent, address_dependent, address_port_dependent };
// RFC 4787 section 5.
enum class Filtering : std::uint8_t { endpoint_independent, address_dependent, address_port_dependent };
// RFC 4787 section 4.2.1 and measurement vocabulary (e.g. Tailscale, RFC 6888 REQ-15).
enum class PortAssignment : std::uint8_t {
  preserve,    // external port = internal port when free, else the fallback
  sequential,  // next port = last assigned + port_delta
  random,      // uniform over the pool
};
// What a preserving NAT does when the internal port is taken.
// linux: nf_nat_core.c nf_nat_l4proto_unique_tuple for a source NAT without a port range:
// start at a random offset in [1024, 65535] and take the first port whose tuple is free,
// scanning upwards at most 128 ports (NF_NAT_MAX_ATTEMPTS), then rounds of half as many
// from new random offsets while that is at least 16.
enum class PreserveFallback : std::uint8_t { sequential, random, linux_scan };

const char* to_string(Mapping m);     // "endpoint-independent", ...
const char* to_string(Filtering f);
const char* to_string(PortAssignment p);
const char* short_name(Mapping m);    // "EIM", "ADM", "APDM"
const char* short_name(Filtering f);  // "EIF", "ADF", "APDF"

struct NatConfig {
  // Mapping behaviour. Default EIM: RFC 4787 REQ-1 (MUST).
  Mapping mapping = Mapping::endpoint_independent;
  // Filtering behaviour. Default APDF: the common home-router choice (RFC 4787 section 5
  // allows any; REQ-8 recommends EIF for transparency, ADF for security).
  Filtering filtering = Filtering::address_port_dependent;
  // External port choice. Default preserve (RFC 4787 section 4.2.1 "port preservation",
  // Linux MASQUERADE behaviour).
  PortAssignment ports = PortAssignment::preserve;
  PreserveFallback fallback = PreserveFallback::random;  // Linux picks another port (nf_nat_used_tuple)
  std::uint16_t port_delta = 1;       // sequential increment; default 1
  std::uint16_t port_min = 1024;      // pool lower bound; RFC 4787 REQ-3a keeps 0-1023 apart
  std::uint16_t port_max = 65535;     // pool upper bound (inclusive)
  bool port_parity = false;           // RFC 4787 REQ-4 (RECOMMENDED): keep even/odd parity
  // Linux conntrack semantics: an external port may be shared by several mappings as long
  // as their remote endpoints differ (the 5-tuple stays unique); a colliding 5-tuple gets
  // a fresh port. Default false (RFC 4787 REQ-3: no port overloading).
  bool port_reuse_per_destination = false;
  // UDP mapping timeout once the flow has seen inbound traffic ("stream"). Default 120 s:
  // RFC 4787 REQ-5 minimum; equals Linux nf_conntrack_udp_timeout_stream.
  SimTime udp_timeout = SimTime::s(120);
  // UDP mapping timeout while only outbound traffic has been seen. Default 120 s (REQ-5);
  // Linux nf_conntrack_udp_timeout is 30 s.
  SimTime udp_unreplied_timeout = SimTime::s(120);
  // Linux conntrack "stream" rule (nf_conntrack_proto_udp.c, nf_conntrack_udp_packet):
  // once a reply has been seen, a packet refreshes the entry with udp_timeout only if it
  // comes more than this long after the flow's first packet (ct->proto.udp.stream_ts =
  // jiffies + 2*HZ), else with udp_unreplied_timeout; a single request/reply exchange thus
  // keeps the unreplied timeout. Zero (default, RFC 4787 model): the first inbound packet
  // switches the mapping to udp_timeout. Linux: 2 s.
  SimTime udp_stream_after = SimTime::zero();
  // What an unsolicited inbound UDP packet (one no mapping accepts) leaves behind. false
  // (default): nothing, as a firewall dropping it before conntrack confirmation does
  // (a typical home router's INPUT/FORWARD DROP policy). true: a bare Linux box with no
  // such rule confirms a conntrack entry for (remote -> external:port), which for its
  // unreplied timeout occupies that reply tuple, so a later outbound flow from the inside
  // to that remote cannot use that external port and is re-mapped (nf_nat_core.c,
  // get_unique_tuple / nf_nat_used_tuple). Needs port_reuse_per_destination.
  bool inbound_creates_entry = false;
  // Established TCP idle timeout: RFC 5382 REQ-5 (>= 2 h 4 min).
  SimTime tcp_timeout = SimTime::s(7440);
  // Whether inbound packets refresh a mapping. RFC 4787 REQ-6: outbound MUST, inbound MAY.
  // Default false; Linux conntrack refreshes on both directions.
  bool inbound_refresh = false;
  // RFC 4787 REQ-9 (MUST support hairpinning). Default true.
  bool hairpinning = true;
  // Firewall: drop every outbound UDP packet (UDP-blocking enterprise networks).
  bool block_outbound_udp = false;
  // Firewall: if non-zero, outbound TCP/TLS is allowed only to this destination port (443).
  std::uint16_t allowed_tcp_port = 0;
  // Maximum simultaneous mappings (0 = limited only by the pool).
  std::uint32_t max_mappings = 0;
  // Port-block allocation (carrier NATs; RFC 7422 deterministic blocks, RFC 6888 REQ-4
  // per-subscriber port limits): 0 = off. Else a subscriber (internal IP address) gets a
  // block of this many consecutive ports (aligned at port_min + k * size) on its first
  // mapping; its mappings take free ports of its blocks (a random free port of the newest
  // block with room, RFC 6056 spirit), a new block when they are full, up to
  // max_blocks_per_subscriber blocks (0 = no limit); beyond that the packet is dropped
  // (drop_pool_exhausted). An inactive block (not the newest) with no live mapping is
  // returned to the pool at the subscriber's next new mapping. Typical vendor defaults: Juniper MX secured port-block
  // allocation block-size 128, max-blocks-per-address 8 (1,024 ports per subscriber).
  std::uint16_t port_block_size = 0;
  std::uint16_t max_blocks_per_subscriber = 0;

  bool operator==(const NatConfig&) const = default;
};

// Why a mapping was created with its external port, or why an existing one was reused.
enum class MappingRule : std::uint8_t {
  port_preserved,       // new: external port == internal port
  preserve_fallback,    // new: internal port taken, fallback used
  sequential,           // new: last port + delta
  random,               // new: random port from the pool
  reuse_endpoint_independent,  // reused: same internal endpoint (EIM)
  reuse_same_address,          // reused: same internal endpoint and remote address (ADM)
  reuse_same_endpoint,         // reused: same internal endpoint and remote endpoint (APDM)
  expired_timeout,             // expired: no refreshing traffic for the timeout
};
const char* to_string(MappingRule r);

// Why an inbound (or outbound, for the firewall) packet was accepted or dropped.
enum class FilterRule : std::uint8_t {
  accept_outbound,              // outbound packet translated
  accept_endpoint_independent,  // EIF: any remote may use an active mapping
  accept_known_address,         // ADF: remote address was sent to from this mapping
  accept_known_endpoint,        // APDF: remote endpoint was sent to from this mapping
  drop_no_mapping,              // no active mapping for the destination port
  drop_unknown_address,         // ADF: the mapping never sent to this address
  drop_unknown_endpoint,        // APDF: the mapping never sent to this address:port
  drop_hairpin_disabled,        // inside -> own external address with hairpinning off
  drop_udp_blocked,             // firewall: outbound UDP blocked
  drop_tcp_port_blocked,        // firewall: outbound TCP to a port other than allowed
  drop_pool_exhausted,          // no free external port / max_mappings reached
};
const char* to_string(FilterRule r);
bool is_accept(FilterRule r);

class Nat;

struct MappingEvent {
  SimTime at;
  net::Transport transport;
  net::Endpoint internal;  // inside endpoint
  net::Endpoint external;  // assigned external endpoint
  net::Endpoint remote;    // remote endpoint of the packet that caused the event
  MappingRule rule;
};

struct FilterEvent {
  SimTime at;
  bool inbound;            // true: outside -> inside; false: outbound (firewall, hairpin)
  net::Transport transport;
  net::Endpoint remote;    // the outside endpoint
  net::Endpoint external;  // the NAT's external endpoint involved
  net::Endpoint internal;  // the inside endpoint (unspecified if no mapping)
  FilterRule rule;
};

// Observer of NAT decisions. All methods default to no-ops; implement what you need.
class NatObserver {
 public:
  virtual ~NatObserver() = default;
  virtual void on_mapping_created(const Nat&, const MappingEvent&) {}
  virtual void on_mapping_reused(const Nat&, const MappingEvent&) {}
  virtual void on_mapping_expired(const Nat&, const MappingEvent&) {}
  virtual void on_filter(const Nat&, const FilterEvent&) {}
};

class Nat {
 public:
  // `config` must outlive the Nat (configs are shared by many NATs). `external` is the
  // NAT's outside address; `seed` seeds its random port choices.
  Nat(const NatConfig& config, net::Ipv4 external, std::uint64_t seed);

  // A lookahead hint (Network's arrival events): starts loading what every packet through
  // the NAT reads (the first three cache lines; see the layout note below).
  void prefetch() const noexcept { prefetch_lines(this, 3 * 64); }
  const NatConfig& config() const { return *config_; }
  net::Ipv4 external_address() const { return external_; }
  void set_observer(NatObserver* o) { observer_ = o; }
  NatObserver* observer() const { return observer_; }

  // Translates an outbound packet (inside -> outside) at time `now`: finds or creates the
  // mapping for (src, dst) under the mapping behaviour, records dst for filtering,
  // refreshes the timer and rewrites p.src to the external endpoint. Returns the rule
  // (an accept_* rule on success; drop_* when the packet must be dropped).
  FilterRule outbound(net::Packet& p, SimTime now);

  // Translates an inbound packet (outside -> inside): finds the mapping for p.dst, applies
  // the filtering behaviour and, when accepted, rewrites p.dst to the internal endpoint.
  FilterRule inbound(net::Packet& p, SimTime now);

  // A packet from the inside to this NAT's own external address (RFC 4787 section 6):
  // with hairpinning on, translated as outbound (source -> external endpoint, REQ-9a) and
  // then as inbound (destination mapping and filtering); off, dropped.
  FilterRule hairpin(net::Packet& p, SimTime now);

  // The external endpoint currently mapped for (internal, remote), if any is active.
  std::optional<net::Endpoint> lookup(net::Transport t, net::Endpoint internal, net::Endpoint remote,
                                      SimTime now) const;
  // Active mappings at `now` (for tests and metrics).
  std::size_t active_mappings(SimTime now) const;
  // Bytes held by this NAT's tables (for the scale benchmark).
  std::size_t memory_bytes() const;

 private:
  struct Entry {
    net::Endpoint internal;
    net::Endpoint remote_key;   // remote part of the mapping key (per behaviour)
    std::uint16_t external_port;
    net::Transport transport;
    bool replied = false;       // inbound traffic seen (UDP "stream" timeout may apply)
    bool stream = false;        // refreshed as a stream (udp_stream_after rule)
    bool live = false;          // slot in use
    bool local = false;         // conntrack entry of an unsolicited inbound packet (no inside host)
    SimTime created;
    SimTime last_active;
    std::uint32_t first_filter = UINT32_MAX;  // head of this entry's filter list
  };
  struct FilterSlot {
    net::Endpoint remote;  // address (port 0 for ADF) or endpoint the mapping sent to
    std::uint32_t next = UINT32_MAX;
  };

  SimTime timeout_of(const Entry& e) const;
  bool expired(const Entry& e, SimTime now) const { return now >= e.last_active + timeout_of(e); }
  net::Endpoint mapping_key_remote(net::Endpoint remote) const;
  std::uint32_t find_mapping(net::Transport t, net::Endpoint internal, net::Endpoint key_remote, SimTime now);
  bool port_in_use(net::Transport t, std::uint16_t port, net::Endpoint remote, SimTime now) const;
  std::uint16_t choose_port(net::Transport t, std::uint16_t internal_port, net::Endpoint remote, SimTime now,
                            MappingRule& rule);
  std::uint16_t choose_block_port(net::Transport t, net::Ipv4 subscriber, net::Endpoint remote, SimTime now);
  bool block_in_use(net::Transport t, std::uint16_t start, SimTime now) const;
  void expire(std::uint32_t idx, SimTime now);
  void sweep(SimTime now);
  void add_filter(std::uint32_t idx, net::Endpoint remote);
  void refresh(Entry& e, SimTime now) const;
  void note_unsolicited(net::Transport t, net::Endpoint remote, std::uint16_t port, SimTime now);
  std::uint32_t new_entry();
  void index_entry(std::uint32_t idx);
  bool filter_allows(const Entry& e, net::Endpoint remote, FilterRule& rule) const;

  // Indices for large NATs (CGN): external port / internal endpoint -> entries. Built past kIndexAt.
  static constexpr std::uint32_t kIndexAt = 32;
  // Open-addressing multimaps (no heap node per mapping), values of a key newest first.
  struct Index {
    net::FlatMultiMap64 by_port;
    net::FlatMultiMap64 by_internal;
  };
  // Layout: what every packet reads (the config, the index pointer, the observer, the
  // entries' header and a home NAT's inline entries) comes first, so that a traversal of
  // a home NAT touches two or three cache lines, not the five of the whole object; the
  // random-port generator and the port-block tables, used when a mapping is created, last.
  const NatConfig* config_;
  std::unique_ptr<Index> index_;
  NatObserver* observer_ = nullptr;
  net::Ipv4 external_;
  std::uint32_t live_ = 0;
  // Inline room for a home NAT's usual few mappings and filter entries (no heap block,
  // no cache miss beyond the NAT itself); large NATs spill to the heap.
  boost::container::small_vector<Entry, 2> entries_;
  std::uint32_t free_entry_ = UINT32_MAX;   // free entry slots, chained through first_filter
  std::uint32_t free_filter_ = UINT32_MAX;  // free filter slots, chained through next
  boost::container::small_vector<FilterSlot, 4> filters_;
  SimTime next_sweep_;
  std::uint16_t next_seq_port_ = 0;
  Rng rng_;
  // Port-block allocation (created by the first mapping of a NAT with port_block_size):
  // which blocks are allocated, and each subscriber's blocks (start ports), newest last.
  struct PortBlocks {
    std::vector<std::uint8_t> taken;  // per block, index (start - port_min) / port_block_size
    net::FlatTable64<std::uint32_t> of;  // subscriber address -> index into lists
    std::vector<boost::container::small_vector<std::uint16_t, 2>> lists;
  };
  std::unique_ptr<PortBlocks> blocks_;

 public:
  // Port blocks currently held by `subscriber` (port-block allocation), for tests/metrics.
  std::vector<std::uint16_t> blocks_of(net::Ipv4 subscriber) const;
};

}  // namespace p2psim::nat
