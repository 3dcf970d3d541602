// LayerChooser: which simulcast layers a sender encodes and which layer an SFU forwards
// to each receiver, given bandwidth estimates. The packet-mode driver asks this
// interface instead of owning a rule, so that the flow model's layout and layer-choice
// definitions (issue 11: speaker / gallery / audio-only / all-hd layouts) can implement
// it and both modes share one rule.
//
// TableLayerChooser, today's implementation, uses the CallSpec's layer table
// (models/media/media_profile.hpp) and the same rule as the flow model's SFU topology
// (models/media/topology/sfu.cpp): a sender enables layers bottom-up while they fit its
// budget (the lowest always); per receiver, senders in priority order first get the
// lowest layer that fits, then one layer up per sender per round until nothing fits
// (Jitsi Videobridge BandwidthAllocator). Budgets are wire bit/s.
#pragma once

#include <span>
#include <vector>

#include "models/media/call_spec.hpp"

namespace p2psim::media::packet {

class LayerChooser {
 public:
  virtual ~LayerChooser() = default;
  // The layer table (lowest first) sender `s` encodes from.
  virtual std::span<const VideoLayer> layers(int sender) const = 0;
  // Wire bit/s of layer k of sender s.
  virtual double layer_wire_bps(int sender, int k) const = 0;
  // Number of layers (bottom-up, >= 1) sender s sends with `video_budget_bps` for video.
  virtual int sender_layers(int sender, double video_budget_bps) const = 0;
  // For `receiver`: the layer wanted from each of `senders` (priority order), given how
  // many layers each sends (`active`), within `video_budget_bps`; -1 = not forwarded.
  virtual void receiver_layers(int receiver, std::span<const int> senders, std::span<const int> active,
                               double video_budget_bps, std::span<int> out) const = 0;
};

class TableLayerChooser final : public LayerChooser {
 public:
  explicit TableLayerChooser(const CallSpec& spec);
  std::span<const VideoLayer> layers(int) const override { return layers_; }
  double layer_wire_bps(int, int k) const override { return wire_[static_cast<std::size_t>(k)]; }
  int sender_layers(int sender, double video_budget_bps) const override;
  void receiver_layers(int receiver, std::span<const int> senders, std::span<const int> active,
                       double video_budget_bps, std::span<int> out) const override;

 private:
  std::vector<VideoLayer> layers_;
  std::vector<double> wire_;
};

}  // namespace p2psim::media::packet
