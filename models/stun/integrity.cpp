#include "models/stun/integrity.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>
#include <string>

namespace p2psim::stun {
namespace {

std::vector<std::uint8_t> hmac(const EVP_MD* md, std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  static const std::uint8_t empty = 0;
  if (!HMAC(md, key.empty() ? &empty : key.data(), static_cast<int>(key.size()), data.empty() ? &empty : data.data(),
            data.size(), out.data(), &len))
    throw std::runtime_error("OpenSSL HMAC failed");
  out.resize(len);
  return out;
}

KeyBytes digest(const EVP_MD* md, std::string_view s) {
  KeyBytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (!EVP_Digest(s.data(), s.size(), out.data(), &len, md, nullptr)) throw std::runtime_error("OpenSSL digest failed");
  out.resize(len);
  return out;
}

}  // namespace

KeyBytes short_term_key(std::string_view password) { return KeyBytes(password.begin(), password.end()); }

KeyBytes long_term_key(std::string_view username, std::string_view realm, std::string_view password,
                       PasswordAlgorithm alg) {
  std::string s;
  s.reserve(username.size() + realm.size() + password.size() + 2);
  s.append(username).append(":").append(realm).append(":").append(password);
  return digest(alg == PasswordAlgorithm::kMd5 ? EVP_md5() : EVP_sha256(), s);
}

std::vector<std::uint8_t> hmac_sha1(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  return hmac(EVP_sha1(), key, data);
}

std::vector<std::uint8_t> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  return hmac(EVP_sha256(), key, data);
}

bool equal_digest(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && (a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace p2psim::stun
