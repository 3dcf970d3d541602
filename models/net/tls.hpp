// TLS record framing sizes: what TLS over TCP adds to each application write (TURN over
// TLS on 443, RFC 8656 3.1). One record per message sent.
//   TLS 1.3 (RFC 8446 5.2): 5-byte record header (opaque_type 23, legacy_record_version
//     0x0303, length) + 1-byte inner content type + 16-byte AEAD tag (AES-128-GCM or
//     ChaCha20-Poly1305, RFC 5116 / RFC 8439) = 22 bytes.
//   TLS 1.2 with an AEAD suite (RFC 5246 6.2 and 6.2.3.3, RFC 5288 3): 5-byte header +
//     8-byte explicit nonce + 16-byte tag = 29 bytes.
// The model uses TLS 1.3, what browsers and coturn (OpenSSL 1.1.1+) negotiate.
#pragma once

#include <cstdint>

namespace p2psim::net {

enum class TlsVersion : std::uint8_t { kTls12, kTls13 };

constexpr std::uint32_t tls_record_overhead(TlsVersion v) { return v == TlsVersion::kTls13 ? 5 + 1 + 16 : 5 + 8 + 16; }

inline constexpr std::uint32_t kTlsRecordOverhead = tls_record_overhead(TlsVersion::kTls13);

}  // namespace p2psim::net
