#include "models/messaging/metrics.hpp"

#include <algorithm>

namespace p2psim::messaging {

MessagingMetrics::MessagingMetrics(const Workload& workload, std::size_t nodes, SimTime deadline)
    : w_(workload), deadline_(deadline), stored_(nodes, 0), peak_(nodes, 0) {
  std::uint64_t n = 0;
  for (std::uint32_t m = 0; m < workload.messages.size(); ++m) {
    offset_.push_back(n);
    n += workload.recipient_count(m);
  }
  delay_.assign(n, -1.0);
  hops_.assign(n, 0);
}

void MessagingMetrics::on_delivered(std::uint32_t msg, std::uint32_t user, SimTime at, int hops) {
  const Message& m = w_.messages[msg];
  std::uint64_t i = offset_[msg];
  for (std::uint32_t u : w_.conversations[m.conversation]) {
    if (u == m.sender) continue;
    if (u == user) break;
    ++i;
  }
  if (delay_[i] >= 0) return;  // duplicate
  delay_[i] = (at - m.sent).seconds();
  hops_[i] = hops;
}

void MessagingMetrics::on_transfer(std::uint32_t, Leg, std::int64_t bytes, int copies) {
  bytes_ += static_cast<double>(bytes);
  copies_ += copies;
}

void MessagingMetrics::on_control(Leg, int count) { control_ += count; }

void MessagingMetrics::on_storage(std::uint32_t node, std::int64_t delta, SimTime) {
  if (node >= stored_.size()) {
    stored_.resize(node + 1, 0);
    peak_.resize(node + 1, 0);
  }
  stored_[node] += delta;
  peak_[node] = std::max(peak_[node], stored_[node]);
  total_ += delta;
  total_peak_ = std::max(total_peak_, total_);
}

void MessagingMetrics::on_transaction(std::uint32_t, std::uint32_t, int pdus, bool ok, SimTime) {
  ++tx_;
  if (!ok) {
    ++tx_failed_;
    return;
  }
  tx_pdus_.add(pdus);
  tx_max_ = std::max(tx_max_, pdus);
}

void MessagingMetrics::on_server_copy(std::uint32_t, std::uint32_t, std::uint32_t) { server_copies_ += 1; }

void MessagingMetrics::finish(MessagingResult& r) {
  r.messages = w_.messages.size();
  r.pairs = delay_.size();
  Samples within;
  Tally hops;
  std::uint64_t any = 0;
  const double limit = deadline_.seconds();
  for (std::size_t i = 0; i < delay_.size(); ++i) {
    if (delay_[i] < 0) continue;
    ++any;
    hops.add(hops_[i]);
    if (delay_[i] <= limit) within.add(delay_[i]);
  }
  const double pairs = std::max<double>(1, static_cast<double>(r.pairs));
  const double msgs = std::max<double>(1, static_cast<double>(r.messages));
  r.delivery_ratio = static_cast<double>(within.count()) / pairs;
  r.delivered_by_end_ratio = static_cast<double>(any) / pairs;
  r.delay_p50_s = within.quantile(0.50);
  r.delay_p95_s = within.quantile(0.95);
  r.delay_p99_s = within.quantile(0.99);
  r.delay_mean_s = within.mean();
  r.hops_mean = hops.mean();
  r.bytes_per_message = bytes_ / msgs;
  r.copies_per_message = copies_ / msgs;
  r.control_per_message = control_ / msgs;
  r.server_copies_per_message = server_copies_ / msgs;
  r.peak_node_storage_bytes = peak_.empty() ? 0.0 : static_cast<double>(*std::max_element(peak_.begin(), peak_.end()));
  r.peak_total_storage_bytes = static_cast<double>(total_peak_);
  r.transactions = tx_;
  r.failed_transactions = tx_failed_;
  r.pdus_per_transaction_mean = tx_pdus_.mean();
  r.max_pdus_per_transaction = tx_max_;
}

}  // namespace p2psim::messaging
