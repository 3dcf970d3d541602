// MessagingMetrics: an Observer that turns what architectures report into the study's
// metrics: delivery ratio within a deadline, delay quantiles, network cost per message,
// peak storage, federation transactions.
#pragma once

#include <cstdint>
#include <vector>

#include "models/messaging/observer.hpp"
#include "models/messaging/workload.hpp"
#include "sim/stats.hpp"

namespace p2psim::messaging {

struct MessagingResult {
  std::uint64_t messages = 0;
  std::uint64_t pairs = 0;                // (message, recipient) pairs
  double delivery_ratio = 0;              // pairs delivered within the deadline / pairs
  double delivered_by_end_ratio = 0;      // pairs delivered before the run ended / pairs
  double delay_p50_s = 0, delay_p95_s = 0, delay_p99_s = 0, delay_mean_s = 0;  // within deadline
  double bytes_per_message = 0;           // payload bytes on the network per message sent
  double copies_per_message = 0;          // payload copies on the network per message sent
  double hops_mean = 0;                   // payload legs sender -> recipient, first deliveries
  double control_per_message = 0;         // control messages (failed attempts, lookups) per message
  double peak_node_storage_bytes = 0;     // max over infrastructure nodes of their peak storage
  double peak_total_storage_bytes = 0;    // peak of the storage summed over all nodes
  std::uint64_t transactions = 0;         // federation transactions attempted
  std::uint64_t failed_transactions = 0;
  double pdus_per_transaction_mean = 0;   // successful transactions
  int max_pdus_per_transaction = 0;
  double server_copies_per_message = 0;   // federation PDU copies per message
  double user_online_fraction = 0;        // users' online time / total time, sending window
  double wakeups_per_online_hour = 0;     // reachability wake-ups per online hour per user
  bool has_energy = false;
  double energy_j_per_user_day = 0;       // reachability energy of an average user per day
  double reachability_mw_online = 0;      // the same as a mean power while online (mW)
};

class MessagingMetrics final : public Observer {
 public:
  MessagingMetrics(const Workload& workload, std::size_t nodes, SimTime deadline);

  void on_delivered(std::uint32_t msg, std::uint32_t user, SimTime at, int hops) override;
  void on_transfer(std::uint32_t msg, Leg leg, std::int64_t bytes, int copies) override;
  void on_control(Leg leg, int count) override;
  void on_storage(std::uint32_t node, std::int64_t delta, SimTime at) override;
  void on_transaction(std::uint32_t from, std::uint32_t to, int pdus, bool ok, SimTime at) override;
  void on_server_copy(std::uint32_t msg, std::uint32_t from, std::uint32_t to) override;

  // Fills the delivery, cost, storage and transaction fields of `r`.
  void finish(MessagingResult& r);

 private:
  const Workload& w_;
  SimTime deadline_;
  std::vector<std::uint64_t> offset_;  // first pair index of each message
  std::vector<double> delay_;          // per pair: first delivery delay (s), -1 if none
  std::vector<int> hops_;
  double bytes_ = 0, copies_ = 0, control_ = 0, server_copies_ = 0;
  std::vector<std::int64_t> stored_, peak_;
  std::int64_t total_ = 0, total_peak_ = 0;
  std::uint64_t tx_ = 0, tx_failed_ = 0;
  Tally tx_pdus_;
  int tx_max_ = 0;
};

}  // namespace p2psim::messaging
