#include "models/messaging/workload.hpp"

#include <algorithm>
#include <string>

#include "sim/random.hpp"

namespace p2psim::messaging {

std::vector<std::uint32_t> Workload::recipients(std::uint32_t m) const {
  const Message& msg = messages[m];
  std::vector<std::uint32_t> out;
  for (std::uint32_t u : conversations[msg.conversation])
    if (u != msg.sender) out.push_back(u);
  return out;
}

Workload generate_workload(const WorkloadSpec& spec, const std::vector<Timeline>& users, std::uint64_t seed) {
  Workload w;
  const auto n = static_cast<std::uint32_t>(users.size());
  std::vector<std::vector<std::uint32_t>> conv_of(n);
  if (spec.mode == ConversationMode::kRooms) {
    const auto m = static_cast<std::uint32_t>(spec.room_size);
    for (std::uint32_t start = 0; start < n; start += m) {
      std::vector<std::uint32_t> room;
      for (std::uint32_t u = start; u < std::min(n, start + m); ++u) room.push_back(u);
      if (room.size() == 1 && !w.conversations.empty()) {
        w.conversations.back().push_back(room[0]);  // a lone leftover joins the last room
        continue;
      }
      w.conversations.push_back(std::move(room));
    }
    for (std::uint32_t c = 0; c < w.conversations.size(); ++c)
      for (std::uint32_t u : w.conversations[c]) conv_of[u].push_back(c);
  } else {
    Rng rng = Rng::stream(seed, "messaging/contacts");
    for (std::uint32_t u = 0; u < n; ++u) {
      std::vector<std::uint32_t> picked;
      while (picked.size() < static_cast<std::size_t>(spec.contacts)) {
        const auto v = static_cast<std::uint32_t>(rng.below(n));
        if (v == u || std::find(picked.begin(), picked.end(), v) != picked.end()) continue;
        picked.push_back(v);
        conv_of[u].push_back(static_cast<std::uint32_t>(w.conversations.size()));
        w.conversations.push_back({u, v});
      }
    }
  }
  const double mean_gap_s = 3600.0 / spec.rate_per_online_hour;
  for (std::uint32_t u = 0; u < n; ++u) {
    Rng rng = Rng::stream(seed, "messaging/send/" + std::to_string(u));
    for (const Timeline::Interval& iv : users[u].intervals()) {
      if (iv.end <= SimTime::zero() || iv.start >= spec.duration) continue;
      const SimTime end = std::min(iv.end, spec.duration);
      SimTime t = std::max(iv.start, SimTime::zero());
      for (;;) {
        t += SimTime::from_seconds(rng.exponential(mean_gap_s));
        if (t >= end) break;
        const auto& convs = conv_of[u];
        const std::uint32_t c = convs.size() == 1 ? convs[0] : convs[rng.below(convs.size())];
        w.messages.push_back({t, u, c, spec.message_size});
      }
    }
  }
  std::stable_sort(w.messages.begin(), w.messages.end(),
                   [](const Message& a, const Message& b) { return a.sent < b.sent; });
  return w;
}

}  // namespace p2psim::messaging
