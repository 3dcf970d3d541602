// Rendering of an explain run: the numbered narrative, the Mermaid sequence diagram and
// the pcap file, from what the recorder kept. Fills the corresponding ExplainResult fields.
#pragma once

#include <vector>

#include "app/teach/explain.hpp"
#include "app/teach/explain_recorder.hpp"
#include "app/teach/explain_scene.hpp"

namespace p2psim::teach::detail {

// `lanes`: the Mermaid participants in order. `out.reason` must be set.
void render(Recorder& rec, net::Network& net, const std::vector<NodeId>& lanes, const Side& a, const Side& b,
            NodeId stun_node, NodeId turn_node, const ExplainOptions& options, ExplainResult& out);

}  // namespace p2psim::teach::detail
