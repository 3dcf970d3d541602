// STUN message-integrity keys and HMACs (RFC 8489 sections 9.1.1, 9.2.2, 14.5, 14.6),
// computed with OpenSSL's libcrypto (HMAC-SHA1, HMAC-SHA256, MD5, SHA-256).
//
// Keys:
//   short-term credential  key = OpaqueString(password)                    (section 9.1.1)
//   long-term credential   key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password))
//                          or SHA-256 of the same string when PASSWORD-ALGORITHM is SHA-256
//                          (section 9.2.2; MD5 is the RFC 5389 key and the default).
// The OpaqueString profile (RFC 8265, earlier SASLprep, RFC 4013) is the caller's: pass
// strings already prepared (RFC 5769 section 2.4 gives "TheMatrIX" as the prepared form of
// its sample password). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace p2psim::stun {

using KeyBytes = std::vector<std::uint8_t>;

enum class PasswordAlgorithm : std::uint8_t { kMd5, kSha256 };  // RFC 8489 section 18.5

KeyBytes short_term_key(std::string_view password);
KeyBytes long_term_key(std::string_view username, std::string_view realm, std::string_view password,
                       PasswordAlgorithm alg = PasswordAlgorithm::kMd5);

// 20-byte HMAC-SHA1 and 32-byte HMAC-SHA256 of `data` under `key`.
std::vector<std::uint8_t> hmac_sha1(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);
std::vector<std::uint8_t> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

// Constant-time comparison of two equal-length byte strings (false if lengths differ).
bool equal_digest(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace p2psim::stun
