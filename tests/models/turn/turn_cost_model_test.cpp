// The TURN cost model's arithmetic, by hand.
#include <catch2/catch.hpp>

#include "models/turn/turn_cost_model.hpp"

using namespace p2psim::turn;

TEST_CASE("TURN cost model: cores, wire rate and packet rate by hand", "[turn][cost]") {
  TurnCostModel m;
  m.cpu_s_per_packet = 10e-6;
  m.cpu_s_per_byte = 2e-9;
  m.cpu_s_per_allocation = 1e-3;
  m.framing_bytes = 4;
  // 1,000 packets/s of 1,000 B: 1000 x 10 us + 1e6 B x 2 ns = 0.010 + 0.002 = 0.012 cores.
  CHECK(m.cores(1000, 1e6) == Approx(0.012));
  CHECK(m.setup_cores(5) == Approx(0.005));
  // 100 packets/s of framing: 100 x 4 B x 8 = 3,200 bit/s on top of the payload.
  CHECK(m.wire_bps(64000, 100) == Approx(67200));
  CHECK(m.cpu_seconds(2000, 1e6, 3) == Approx(0.02 + 0.002 + 0.003));
  // Opus at 20 ms: 50 packets/s for any speech bitrate; video in 1200-byte payloads.
  CHECK(stream_packet_rate(32e3) == 50);
  CHECK(stream_packet_rate(1.2e6) == Approx(125));  // 1.2e6 / (8 x 1200)
}
