#include "libntp/auth/key_store.hh"

#include <openssl/crypto.h>

#include <algorithm>

namespace ntp::auth {

bool AddressPrefix::matches(std::span<const std::uint8_t> address) const {
    if (address.size() != size) return false;
    const unsigned bits = std::min<unsigned>(prefix_len, static_cast<unsigned>(8 * size));
    const unsigned whole = bits / 8;
    if (!std::equal(address.begin(), address.begin() + whole, bytes.begin())) return false;
    const unsigned rest = bits % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (address[whole] & mask) == (bytes[whole] & mask);
}

Key::~Key() {
    if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
}

bool Key::allows(std::span<const std::uint8_t> address) const {
    if (allowed.empty()) return true;
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const AddressPrefix& p) { return p.matches(address); });
}

void KeyStore::replace_keys(std::vector<Key> keys) {
    keys_.clear();
    for (auto& k : keys) {
        if (k.id == 0) continue;  // key 0 means "no key" on the wire
        keys_.insert_or_assign(k.id, std::move(k));
    }
}

void KeyStore::set_trusted(std::uint32_t id, bool trusted) {
    if (id == 0) return;
    if (trusted)
        trusted_.insert(id);
    else
        trusted_.erase(id);
}

bool KeyStore::is_trusted(std::uint32_t id) const { return trusted_.contains(id); }

const Key* KeyStore::find(std::uint32_t id) const {
    auto it = keys_.find(id);
    return it == keys_.end() ? nullptr : &it->second;
}

const Key* KeyStore::trusted(std::uint32_t id) const {
    if (!is_trusted(id)) return nullptr;
    return find(id);
}

std::vector<std::uint32_t> KeyStore::key_ids() const {
    std::vector<std::uint32_t> ids;
    ids.reserve(keys_.size());
    for (const auto& [id, key] : keys_) ids.push_back(id);
    return ids;
}

std::vector<std::uint32_t> KeyStore::trusted_ids() const {
    return std::vector<std::uint32_t>(trusted_.begin(), trusted_.end());
}

AuthStatus KeyStore::check(MacComputer& macs, std::uint32_t key_id, std::span<const std::uint8_t> data,
                           std::span<const std::uint8_t> digest,
                           std::span<const std::uint8_t> source) const {
    if (digest.empty()) return AuthStatus::crypto_nak;
    const Key* key = find(key_id);
    if (key == nullptr) return AuthStatus::unknown_key;
    if (!is_trusted(key_id)) return AuthStatus::untrusted_key;
    if (!source.empty() && !key->allows(source)) return AuthStatus::address_denied;
    return macs.verify(key->algorithm, key->secret, data, digest) ? AuthStatus::ok
                                                                  : AuthStatus::bad_mac;
}

std::size_t KeyStore::sign(MacComputer& macs, std::uint32_t key_id, std::span<const std::uint8_t> data,
                           std::span<std::uint8_t> out) const {
    const Key* key = trusted(key_id);
    if (key == nullptr) return 0;
    return macs.compute(key->algorithm, key->secret, data, out);
}

}  // namespace ntp::auth
