// Hybrid: a direct peer-to-peer call while exactly two people are in it, an SFU call from
// three on (Jitsi Meet's "P2P mode", lib-jitsi-meet JitsiConference: P2P is used only
// when the conference has exactly two participants).
#include "models/media/topology/topology.hpp"

namespace p2psim::media {
namespace {
class Hybrid final : public Topology {
 public:
  TopologyKind kind() const override { return TopologyKind::kHybrid; }
  bool depends_on_speakers(const CallContext& ctx) const override {
    return dtx_on(ctx) || (ctx.n() > 2 && (ctx.spec.media.video.enabled || ctx.spec.audio_last_n > 0));
  }
  void plan(const CallContext& ctx, std::span<const int> recency, StreamPlan& out) const override {
    if (ctx.n() == 2) plan_mesh(ctx, recency, out);
    else plan_sfu(ctx, recency, out);
  }
};
}  // namespace

std::unique_ptr<Topology> make_hybrid_topology() { return std::make_unique<Hybrid>(); }

}  // namespace p2psim::media
