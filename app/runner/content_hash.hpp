// SHA-256 of a byte string as 64 lowercase hex digits (OpenSSL libcrypto): identifies
// the exact scenario bytes a partial result was run from.
#pragma once

#include <string>

namespace p2psim::runner {

std::string sha256_hex(const std::string& bytes);

}  // namespace p2psim::runner
