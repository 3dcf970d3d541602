// Layer choice: which video layer an SFU forwards from one sender to one receiver.
// Shared by every mode of the group-call model; independent of any solver.
//
// Rule (receiver-driven, as Jitsi Videobridge's receiver video constraints and LiveKit's
// adaptive stream):
//  1. the receiver's layout asks, per visible sender, the LOWEST layer whose height
//     covers the tile (covering_layer); the top layer when none does;
//  2. the SFU then fits the asks into the receiver's downlink budget as Jitsi
//     Videobridge's BandwidthAllocator does (allocate_layers): in priority order, every
//     visible sender first gets its lowest layer while that fits, then senders are raised
//     one layer per round while the increment fits, never above the asked layer nor above
//     what the sender sends. Invisible senders get no video.
#pragma once

#include <span>

#include "models/media/media_profile.hpp"

namespace p2psim::media {

// Index of the lowest layer (layers lowest first) with height >= tile_height; the top
// layer's index when none is tall enough. Precondition: !layers.empty().
int covering_layer(std::span<const VideoLayer> layers, int tile_height);

// What the allocator knows of one visible sender, in priority order.
struct LayerAsk {
  int asked = 0;      // layer index the layout asks (covering_layer)
  int available = 0;  // layers the sender sends (0 = none: nothing can be forwarded)
  double rate_scale = 1.0;  // share of each layer's rate forwarded (SVC temporal layers dropped)
};

// Downlink-limited selection. layer_wire[k]: wire bit/s of layer k (the cumulative rate
// a receiver of layer k gets), times the ask's rate_scale. budget: bit/s available for video. Writes sel[s] in
// {-1 (not forwarded), 0..min(asked, available-1)}; returns the budget left.
// Preconditions: sel.size() == asks.size(); layer_wire non-decreasing; asked < layer_wire.size().
double allocate_layers(double budget, std::span<const double> layer_wire, std::span<const LayerAsk> asks,
                       std::span<int> sel);

// SVC relay between cascaded SFUs (Jitsi Octo, LiveKit relay: the remote SFU receives what
// its receivers request): the part of one SVC stream that covers every receiver behind the
// remote SFU. cumulative[k]: the stream up to spatial layer k (non-decreasing in k);
// keep[s]: the largest temporal rate share (temporal_share) kept by any receiver there of
// a spatial layer >= s, 0 if none. Spatial layer s's increment (cumulative[s] minus
// cumulative[s-1], payload and packets) is carried at keep[s]:
//   carried = sum_s keep[s] x (cumulative[s] - cumulative[s-1]).
// One receiver of layer k at share t gets t x cumulative[k], so the relay then carries
// exactly that. Precondition: keep.size() <= cumulative.size(); keep non-increasing.
PacketStream svc_relay_stream(std::span<const PacketStream> cumulative, std::span<const double> keep);

}  // namespace p2psim::media
