// LayerChooser: which simulcast layers a sender encodes and which layer an SFU forwards
// to each receiver, given bandwidth estimates. The packet-mode driver asks this
// interface instead of owning a rule.
//
// LayoutLayerChooser, the implementation every packet-mode call uses, is the flow
// model's rule itself, not a copy of it: the sender side enables layers bottom-up while
// they fit its budget (the lowest always; as topology/sfu.cpp's uploads), and the
// receiver side runs the shared definitions of layout.hpp and layer_choice.hpp on the
// receiver's layout (from its access profile): visible_tiles picks the visible senders
// and tile heights (speaker / gallery / audio-only / all-hd, last-N), covering_layer the
// asked layer (the lowest layer whose height covers the tile), and allocate_layers
// (Jitsi Videobridge's BandwidthAllocator) fits the asks into the receiver's estimate.
// A participant whose layout is audio-only sends no video (camera off). Budgets are wire
// bit/s (UDP, the CallSpec's overheads). With SVC the rates are the flow model's SVC
// definitions (topology/sfu.cpp): the stream up to spatial layer k at (1 + svc_overhead)
// x layer k's rate, one stream up to the highest layer that fits, and a tile asking
// thumbnail_fps keeps temporal_share of its layer's rate.
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "models/media/call_spec.hpp"
#include "models/media/layer_choice.hpp"
#include "models/media/layout.hpp"

namespace p2psim::media::packet {

class LayerChooser {
 public:
  virtual ~LayerChooser() = default;
  // The layer table (lowest first) sender `s` encodes from.
  virtual std::span<const VideoLayer> layers(int sender) const = 0;
  // Wire bit/s of layer k of sender s (SVC: of the stream up to spatial layer k).
  virtual double layer_wire_bps(int sender, int k) const = 0;
  // Payload bit/s of layer k (SVC: of the stream up to spatial layer k).
  virtual double layer_payload_bps(int sender, int k) const { return layers(sender)[static_cast<std::size_t>(k)].bitrate_bps; }
  // Whether senders send one SVC stream (spatial layers cumulative, temporal layers
  // droppable) instead of simulcast layers.
  virtual bool svc() const { return false; }
  // Frame rate each visible sender's tile asks of `receiver` (out indexed by participant;
  // 0 = full rate). Only SVC can honour it (temporal layers).
  virtual void receiver_fps(int /*receiver*/, std::span<const int> /*recency*/, std::span<double> out) const {
    std::fill(out.begin(), out.end(), 0.0);
  }
  // Whether participant s sends video at all.
  virtual bool sends_video(int sender) const = 0;
  // Number of layers (bottom-up, >= 1) sender s sends with `video_budget_bps` for video
  // (SVC: spatial layers of its one stream, the highest whose stream fits).
  virtual int sender_layers(int sender, double video_budget_bps) const = 0;
  // For `receiver`: out[s] (indexed by participant, size = participants) is the layer
  // forwarded from s, -1 = not forwarded. `recency`: the participants present, most
  // recent speaker first, the receiver included; active[s] (indexed by participant): how
  // many layers s sends (0 = none). `video_budget_bps` may be +infinity (then out[s] is
  // the asked layer, capped by what s sends).
  virtual void receiver_layers(int receiver, std::span<const int> recency, std::span<const int> active,
                               double video_budget_bps, std::span<int> out) const = 0;
};

class LayoutLayerChooser final : public LayerChooser {
 public:
  // profile[i]: participant i's access profile (index into spec.access), whose layout
  // it uses. Last-N applies to the SFU only (as in the flow model).
  // Preconditions: profile.size() == spec.group_size, every entry a valid index.
  LayoutLayerChooser(const CallSpec& spec, std::vector<int> profile);
  std::span<const VideoLayer> layers(int) const override { return layers_; }
  double layer_wire_bps(int, int k) const override { return wire_[static_cast<std::size_t>(k)]; }
  double layer_payload_bps(int, int k) const override { return payload_[static_cast<std::size_t>(k)]; }
  bool svc() const override { return video_.scalability == Scalability::kSvc; }
  void receiver_fps(int receiver, std::span<const int> recency, std::span<double> out) const override;
  bool sends_video(int sender) const override;
  int sender_layers(int sender, double video_budget_bps) const override;
  void receiver_layers(int receiver, std::span<const int> recency, std::span<const int> active,
                       double video_budget_bps, std::span<int> out) const override;
  const LayoutSpec& layout(int participant) const { return *layout_[static_cast<std::size_t>(participant)]; }

 private:
  VideoProfile video_;
  std::vector<VideoLayer> layers_;
  std::vector<double> wire_, payload_;
  std::vector<const LayoutSpec*> layout_;
  int last_n_ = 0;
  // scratch (one chooser per call, used from one thread)
  mutable std::vector<TileRequest> tiles_;
  mutable std::vector<LayerAsk> asks_;
  mutable std::vector<int> sel_;
};

}  // namespace p2psim::media::packet
