// Workload: who sends what to whom, and when.
//
// Users are organised in conversations: either rooms (users split into consecutive groups
// of `room_size`; a message goes to every other member) or direct contacts (each user
// picks `contacts` random others; a message goes to one of them). A user sends only while
// online, as a Poisson process of `rate_per_online_hour` over its online time.
#pragma once

#include <cstdint>
#include <vector>

#include "models/messaging/timeline.hpp"
#include "sim/time.hpp"

namespace p2psim::messaging {

enum class ConversationMode { kRooms, kDirect };

struct WorkloadSpec {
  ConversationMode mode = ConversationMode::kRooms;
  int room_size = 8;                       // members per room (>= 2), rooms mode
  int contacts = 5;                        // contacts per user (>= 1), direct mode
  double rate_per_online_hour = 2.0;       // messages a user sends per hour online (> 0)
  std::int64_t message_size = 1000;        // bytes per message (payload, > 0)
  SimTime duration = SimTime::h(48);       // messages are sent in [0, duration)
};

struct Message {
  SimTime sent;
  std::uint32_t sender = 0;
  std::uint32_t conversation = 0;
  std::int64_t size = 0;
};

struct Workload {
  std::vector<std::vector<std::uint32_t>> conversations;  // member user ids
  std::vector<Message> messages;                          // sorted by `sent`
  // Recipients of message m: the conversation's members except the sender, in member order.
  std::vector<std::uint32_t> recipients(std::uint32_t m) const;
  std::size_t recipient_count(std::uint32_t m) const { return conversations[messages[m].conversation].size() - 1; }
};

// Preconditions: users.size() >= 2; room_size >= 2; 1 <= contacts < users.size().
Workload generate_workload(const WorkloadSpec& spec, const std::vector<Timeline>& users, std::uint64_t seed);

}  // namespace p2psim::messaging
