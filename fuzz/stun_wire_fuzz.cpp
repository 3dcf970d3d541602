// libFuzzer target: the STUN and TURN ChannelData wire decoders (models/stun/wire.hpp) and
// the typed STUN codec (models/stun/stun_codec.hpp). Bytes in: a decoder either parses or
// throws wire::DecodeError; what parses round-trips (decode(encode(x)) == x, and encoding
// a decoded typed message is a fixed point). A failed round trip traps.
// Build and run: fuzz/run.sh (README, "Fuzzing").
#include <cstddef>
#include <cstdint>
#include <span>

#include "models/stun/stun_codec.hpp"
#include "models/stun/wire.hpp"

namespace w = p2psim::stun::wire;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Lambdas, not function names: some codecs are overloaded (e.g. with a transaction id).
template <class Decode, class Encode>
void attribute_round_trip(std::span<const std::uint8_t> v, Decode dec, Encode enc) {
  try {
    const auto x = dec(v);
    check(dec(enc(x)) == x);
  } catch (const w::DecodeError&) {
  }
}

void attributes(const w::RawMessage& r) {
  for (const auto& a : r.attributes) {
    const std::span<const std::uint8_t> v(a.value);
    switch (a.type) {
      case w::attr::kMappedAddress:
      case w::attr::kResponseOrigin:
      case w::attr::kOtherAddress:
      case w::attr::kAlternateServer:
        attribute_round_trip(v, [](auto x) { return w::decode_address(x); }, [](const auto& x) { return w::encode_address(x); });
        break;
      case w::attr::kXorMappedAddress:
      case w::attr::kXorPeerAddress:
      case w::attr::kXorRelayedAddress:
        attribute_round_trip(v, [](auto x) { return w::decode_xor_address(x); }, [](const auto& x) { return w::encode_xor_address(x); });
        break;
      case w::attr::kPriority:
      case w::attr::kLifetime:
      case w::attr::kChangeRequest:
        attribute_round_trip(v, [](auto x) { return w::decode_u32(x); }, [](const auto& x) { return w::encode_u32(x); });
        break;
      case w::attr::kIceControlled:
      case w::attr::kIceControlling:
        attribute_round_trip(v, [](auto x) { return w::decode_u64(x); }, [](const auto& x) { return w::encode_u64(x); });
        break;
      case w::attr::kErrorCode:
        attribute_round_trip(v, [](auto x) { return w::decode_error_code(x); }, [](const auto& x) { return w::encode_error_code(x); });
        break;
      case w::attr::kChannelNumber:
        attribute_round_trip(v, [](auto x) { return w::decode_channel_number(x); }, [](const auto& x) { return w::encode_channel_number(x); });
        break;
      case w::attr::kRequestedTransport:
        attribute_round_trip(v, [](auto x) { return w::decode_requested_transport(x); }, [](const auto& x) { return w::encode_requested_transport(x); });
        break;
      default:
        break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  (void)w::looks_like_stun(bytes);
  (void)w::looks_like_channel_data(bytes);
  try {
    w::RawMessage r = w::decode(bytes);
    attributes(r);
    // Without its FINGERPRINT (the input's padding bytes, which it covers, need not be
    // zero) the message re-encodes to itself; with a fresh one it is checked and kept.
    std::erase_if(r.attributes, [](const w::Attribute& a) { return a.type == w::attr::kFingerprint; });
    check(w::decode(w::encode(r)) == r);
    const w::RawMessage with_fp = w::decode(w::encode(r, true));
    check(with_fp.attributes.size() == r.attributes.size() + 1);
  } catch (const w::DecodeError&) {
  }
  try {
    const p2psim::stun::Message m = p2psim::stun::decode(bytes);
    const auto once = p2psim::stun::encode(m);
    check(once.size() == m.encoded_size());
    check(p2psim::stun::encode(p2psim::stun::decode(once)) == once);
  } catch (const w::DecodeError&) {
  }
  try {
    const w::ChannelData c = w::decode_channel_data(bytes);
    check(w::decode_channel_data(w::encode_channel_data(c, false)) == c);
    check(w::decode_channel_data(w::encode_channel_data(c, true)) == c);
  } catch (const w::DecodeError&) {
  }
  return 0;
}
