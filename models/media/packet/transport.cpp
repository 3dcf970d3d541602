// Transport of the packet-mode call: pacer, transport-wide sequence numbers and
// feedback, probing, NACK/RTX, and the control channel back to a hop's sender.
// Feedback, NACK and PLI messages are small (RTCP); they consume no link capacity but
// take the reverse path's propagation and current queueing delay.
#include <algorithm>
#include <cmath>

#include "models/media/packet/call_driver.hpp"

namespace p2psim::media::packet::detail {

namespace {
constexpr SimTime kPacerInterval = SimTime::ms(5);   // libwebrtc pacer process interval (IntervalBudget era)
constexpr SimTime kRtxHistory = SimTime::s(1);       // packets kept for retransmission
constexpr std::int64_t kRtxHeader = 2;               // RFC 4588 s4: original sequence number
}  // namespace

void CallDriver::hop_enqueue(int h, std::uint32_t token, bool paced, bool front) {
  Hop& hop = hops_[h];
  if (!paced) {
    hop_send(h, token);
    return;
  }
  if (front)
    hop.pacer.push_front(token);
  else
    hop.pacer.push_back(token);
  if (!hop.pacer_scheduled) {
    hop.pacer_scheduled = true;
    sim_.schedule_after(SimTime::zero(), [this, h] { pacer_process(h); });
  }
}

void CallDriver::pacer_process(int h) {
  Hop& hop = hops_[h];
  const double add = hop.cc->pacing_bps() * kPacerInterval.seconds() / 8.0;
  hop.budget = std::min(hop.budget, 0.0) + add;
  while (hop.budget > 0 && !hop.pacer.empty()) {
    const std::uint32_t t = hop.pacer.front();
    hop.pacer.pop_front();
    hop.budget -= static_cast<double>(pool_[t].wire);
    hop_send(h, t);
  }
  if (hop.pacer.empty()) {
    hop.pacer_scheduled = false;
    return;
  }
  sim_.schedule_after(kPacerInterval, [this, h] { pacer_process(h); });
}

void CallDriver::hop_send(int h, std::uint32_t token) {
  Hop& hop = hops_[h];
  Pkt& p = pool_[token];
  const SimTime now = sim_.now();
  p.hop = h;
  if (p.kind != PktKind::kProbe && !p.rtx) p.seq = hop.next_seq[p.stream]++;
  p.tw = hop.next_tw++;
  hop.sent.push_back({now, p.wire, p.probe});
  hop.cc->on_packet_sent(now, p.tw, p.wire, p.probe);
  {
    const PacketEvent e = event(p);
    emit([&](PacketCallObserver& o) { o.on_packet_sent(e, now); });
  }
  if (p.kind != PktKind::kProbe) {
    if (p.kind == PktKind::kVideo && spec_.nack && !p.rtx) {
      const std::uint64_t key = (std::uint64_t{p.stream} << 32) | p.seq;
      hop.rtx_store[key] = p;
      hop.rtx_order.push_back({now, key});
      while (!hop.rtx_order.empty() && hop.rtx_order.front().first < now - kRtxHistory) {
        hop.rtx_store.erase(hop.rtx_order.front().second);
        hop.rtx_order.pop_front();
      }
    }
  }
  if (hop.from == kServer) {
    // A TURN relay towards the receiver sits after the SFU's egress (on_link_arrival).
    if (egress_)
      send_after(SimTime::zero(), token, *egress_);
    else {
      relay_down(token);
      send_after(hop.relay_delay, token, *links_[2 * hop.to + 1]);
    }
  } else {
    send_after(SimTime::zero(), token, *links_[2 * hop.from]);
  }
}

void CallDriver::maybe_probe(int h) {
  Hop& hop = hops_[h];
  if (hop.probe_left > 0) return;
  auto c = hop.cc->take_probe(sim_.now());
  if (!c) return;
  hop.probe = *c;
  hop.probe_left = std::max<int>(c->min_packets, static_cast<int>(std::ceil(c->min_bytes / 1000.0)));
  hop.probe_size = std::clamp<std::int64_t>(c->min_bytes / hop.probe_left, 200, 1200);
  probe_step(h);
}

void CallDriver::probe_step(int h) {
  Hop& hop = hops_[h];
  if (hop.probe_left <= 0) {
    maybe_probe(h);
    return;
  }
  const std::uint32_t t = alloc();
  Pkt& p = pool_[t];
  p = Pkt{};
  p.kind = PktKind::kProbe;
  p.probe = hop.probe.id;
  p.wire = hop.probe_size;
  p.dst = hop.to;
  p.sender = hop.from;
  hop_send(h, t);
  --hop.probe_left;
  const SimTime gap = SimTime::from_seconds(8.0 * static_cast<double>(hop.probe_size) / hop.probe.bps);
  sim_.schedule_after(gap, [this, h] { probe_step(h); });
}

void CallDriver::receive_at(int h, std::uint32_t token) {
  Hop& hop = hops_[h];
  const Pkt p = pool_[token];
  release(token);
  const SimTime now = sim_.now();
  hop.fb.push_back({p.tw, now});
  {
    const PacketEvent e = event(p);
    emit([&](PacketCallObserver& o) { o.on_packet_arrived(e, now); });
  }
  if (hop.to == kServer && mcu()) {
    // The MCU decodes every uploaded video frame (counted at its first packet) and audio frame.
    if (p.kind == PktKind::kVideo && p.index == 0) {
      const int height = chooser_.layers(p.sender)[static_cast<std::size_t>(p.res)].height;
      emit([&](PacketCallObserver& o) { o.on_video_decoded(kServerIndex, p.sender, 1, height, now); });
    }
    if (p.kind == PktKind::kAudio) emit([&](PacketCallObserver& o) { o.on_audio_decoded(kServerIndex, now); });
  }
  if (!hop.fb_scheduled) {
    hop.fb_scheduled = true;
    sim_.schedule_after(spec_.feedback_interval, [this, h] { feedback_fire(h); });
  }
  if (p.kind == PktKind::kProbe) return;
  if (p.kind == PktKind::kVideo) {
    // NACK: a gap in the hop's sequence numbers of this stream.
    auto [it, fresh] = hop.highest.try_emplace(p.stream, static_cast<std::int64_t>(p.seq));
    if (!fresh) {
      const std::int64_t s = p.seq;
      if (s > it->second + 1 && spec_.nack && hop.rtt_valid && hop.rtt <= spec_.nack_max_rtt) {
        Control c;
        c.kind = Control::kNack;
        for (std::int64_t m = it->second + 1; m < s && c.nack.size() < 64; ++m)
          c.nack.push_back({p.stream, static_cast<std::uint32_t>(m)});
        send_control(h, std::move(c));
      }
      it->second = std::max(it->second, s);
    }
  }
  if (hop.to != kServer)
    deliver(hop.to, p);
  else if (!mcu())
    sfu_forward(p);
  // MCU: the upload is decoded into the mixes (mcu_video_tick / mcu_audio_tick).
}

void CallDriver::feedback_fire(int h) {
  Hop& hop = hops_[h];
  hop.fb_scheduled = false;
  if (hop.fb.empty()) return;
  Control c;
  c.kind = Control::kFeedback;
  c.fb.swap(hop.fb);
  c.fb_sent = sim_.now();
  send_control(h, std::move(c));
}

SimTime CallDriver::reverse_delay(int h) {
  const Hop& hop = hops_[h];
  SimTime d;
  if (hop.to != kServer) {
    const net::QueuedLink& l = *links_[2 * hop.to];
    d += l.spec().propagation + l.queue_delay();
  }
  if (hop.from != kServer) {
    const net::QueuedLink& l = *links_[2 * hop.from + 1];
    d += l.spec().propagation + l.queue_delay();
  }
  if (hop.to == kServer && egress_) d += egress_->queue_delay();
  if (hop.from == kServer && ingress_) d += ingress_->queue_delay();
  return d + hop.relay_delay;  // RTCP takes the relay too
}

void CallDriver::send_control(int h, Control c) {
  Hop& hop = hops_[h];
  c.at = std::max(sim_.now() + reverse_delay(h), hop.last_ctl);
  hop.last_ctl = c.at;
  const SimTime at = c.at;
  hop.ctl.push_back(std::move(c));
  sim_.schedule_at(at, [this, h] { control_fire(h); });
}

void CallDriver::control_fire(int h) {
  Hop& hop = hops_[h];
  const SimTime now = sim_.now();
  while (!hop.ctl.empty() && hop.ctl.front().at <= now) {
    Control c = std::move(hop.ctl.front());
    hop.ctl.pop_front();
    switch (c.kind) {
      case Control::kFeedback: on_feedback(h, c); break;
      case Control::kNack: on_nack(h, c); break;
      case Control::kPli:
        if (hop.from == kServer && mcu()) {
          enc_[static_cast<std::size_t>(n_ + hop.to)].request_key_frame();
        } else if (hop.from == kServer) {
          // The SFU relays a receiver's PLI to the sender of the layer it forwards.
          const int s = c.sender;
          const int l = cur_[static_cast<std::size_t>(hop.to) * n_ + s];
          if (l >= 0) request_key(kServer, s, l);
        } else if (mesh()) {
          enc_[h].request_key_frame();
        } else if (mcu()) {
          enc_[hop.from].request_key_frame();
        } else {
          enc_[static_cast<std::size_t>(hop.from) * layers_ + (svc_ ? 0 : c.layer)].request_key_frame();  // SVC: one encoder
        }
        break;
    }
  }
}

void CallDriver::on_feedback(int h, const Control& c) {
  Hop& hop = hops_[h];
  const SimTime now = sim_.now();
  std::vector<PacketResult> res;
  std::uint64_t upto = hop.reported;
  for (const auto& [tw, at] : c.fb) upto = std::max(upto, tw + 1);
  res.reserve(upto - hop.reported);
  std::size_t k = 0;
  SimTime last_sent, last_arrival;
  for (std::uint64_t tw = hop.reported; tw < upto; ++tw) {
    const SentRec& s = hop.sent[tw - hop.reported];
    PacketResult r;
    r.tw_seq = tw;
    r.sent = s.t;
    r.bytes = s.bytes;
    r.probe_cluster = s.probe;
    while (k < c.fb.size() && c.fb[k].first < tw) ++k;
    if (k < c.fb.size() && c.fb[k].first == tw) {
      r.received = true;
      r.arrival = c.fb[k].second;
      last_sent = s.t;
      last_arrival = r.arrival;
    }
    res.push_back(r);
  }
  for (std::uint64_t tw = hop.reported; tw < upto; ++tw) hop.sent.pop_front();
  hop.reported = upto;
  if (last_arrival > SimTime::zero()) {
    const SimTime sample = (now - last_sent) - (c.fb_sent - last_arrival);
    hop.rtt = hop.rtt_valid ? (hop.rtt * 7 + sample) / 8 : sample;
    hop.rtt_valid = true;
  }
  hop.cc->on_feedback(now, res, hop.rtt);
  set_target(h);
  on_target(h);
  maybe_probe(h);
}

void CallDriver::on_nack(int h, const Control& c) {
  Hop& hop = hops_[h];
  for (const auto& [stream, seq] : c.nack) {
    auto it = hop.rtx_store.find((std::uint64_t{stream} << 32) | seq);
    if (it == hop.rtx_store.end()) continue;
    const std::uint32_t t = alloc();
    pool_[t] = it->second;
    pool_[t].rtx = true;
    pool_[t].wire += kRtxHeader;
    hop.rtx_store.erase(it);  // one retransmission
    hop_enqueue(h, t, true, true);
  }
}

void CallDriver::reset_hop(int h) {
  Hop& hop = hops_[h];
  ControllerSpec cs = spec_.controller;
  cs.max_bps = hop.max_bps;
  hop.cc = make_controller(spec_.controller_kind, cs);
  set_target(h);
  hop.rtt_valid = false;
  hop.max_allocation = 0;
  hop.rtx_store.clear();
  hop.rtx_order.clear();
}

}  // namespace p2psim::media::packet::detail
