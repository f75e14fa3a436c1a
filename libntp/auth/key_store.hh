#pragma once
// Symmetric keys (from the keys file) and which of them are trusted
// (`trustedkey`, `-t`). A key authenticates only when it exists, is trusted,
// and the peer's address is allowed by the key's optional address list.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "libntp/auth/mac.hh"

namespace ntp::auth {

inline constexpr std::uint32_t max_key_id = 65535;  // NTP_MAXKEY; above is Autokey's

// One entry of a key's address list ("ip[/bits],..." in the 4th column).
struct AddressPrefix {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 in bytes[0..3]
    std::size_t size = 4;                  // 4 (IPv4) or 16 (IPv6)
    unsigned prefix_len = 32;              // clamped to 8 * size

    // `address` is 4 octets (IPv4) or 16 (IPv6), network order.
    bool matches(std::span<const std::uint8_t> address) const;
    friend bool operator==(const AddressPrefix&, const AddressPrefix&) = default;
};

struct Key {
    std::uint32_t id = 0;
    MacAlgorithm algorithm;
    std::vector<std::uint8_t> secret;
    std::vector<AddressPrefix> allowed;  // empty: any address

    Key() = default;
    Key(const Key&) = default;
    Key(Key&&) = default;
    Key& operator=(const Key&) = default;
    Key& operator=(Key&&) = default;
    ~Key();  // wipes the secret (OPENSSL_cleanse)

    // True when `allowed` is empty or one entry matches (4 or 16 octets).
    bool allows(std::span<const std::uint8_t> address) const;
};

// Outcome of checking a MAC on a received packet; `ok` is the only success.
enum class AuthStatus {
    none,            // no MAC present (decided by the caller; listed for counters)
    ok,
    crypto_nak,      // key id only: never authenticates
    unknown_key,     // no such key, or key id 0
    untrusted_key,
    address_denied,  // key restricted to other addresses
    bad_mac,         // wrong length or wrong digest
};

class KeyStore {
public:
    // Replaces all keys (a keys-file (re)load). Trust marks are kept: they come
    // from the configuration, not the file.
    void replace_keys(std::vector<Key> keys);
    void set_trusted(std::uint32_t id, bool trusted = true);
    bool is_trusted(std::uint32_t id) const;

    const Key* find(std::uint32_t id) const;
    // Present and trusted, else nullptr. Key 0 never.
    const Key* trusted(std::uint32_t id) const;
    std::size_t size() const { return keys_.size(); }
    std::vector<std::uint32_t> key_ids() const;
    std::vector<std::uint32_t> trusted_ids() const;

    // Checks `digest` (empty for a crypto-NAK) under key `key_id` over `data`
    // for a packet from `source` (4 or 16 octets; empty skips the address check).
    AuthStatus check(MacComputer& macs, std::uint32_t key_id, std::span<const std::uint8_t> data,
                     std::span<const std::uint8_t> digest,
                     std::span<const std::uint8_t> source = {}) const;

    // Computes the MAC with a trusted key for a packet we send. Returns the
    // digest length written into `out`, 0 if the key is not usable.
    std::size_t sign(MacComputer& macs, std::uint32_t key_id, std::span<const std::uint8_t> data,
                     std::span<std::uint8_t> out) const;

private:
    std::map<std::uint32_t, Key> keys_;
    std::set<std::uint32_t> trusted_;
};

}  // namespace ntp::auth
