#include "libntp/auth/key_store.hh"

#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "libntp/wire/ntp_packet.hh"

using namespace ntp::auth;
namespace wire = ntp::wire;

namespace {

using Bytes = std::vector<std::uint8_t>;

Key make_key(std::uint32_t id, std::string_view type, std::string_view secret) {
    Key k;
    k.id = id;
    k.algorithm = *MacAlgorithm::from_name(type);
    k.secret.assign(secret.begin(), secret.end());
    return k;
}

// The 48-octet header of the codec tests; its MD5 MAC under key "ntpkey"
// was computed with Python's hashlib (md5(b"ntpkey" + header)).
const Bytes header = {
    0xe3, 0x02, 0x06, 0xec, 0x00, 0x01, 0x12, 0x34, 0x00, 0x00, 0xab, 0xcd,
    0xc0, 0x00, 0x02, 0x01, 0xe9, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00,
    0xe9, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0xe9, 0x00, 0x00, 0x03,
    0xff, 0xff, 0xff, 0xfe, 0xe9, 0x00, 0x00, 0x04, 0x12, 0x34, 0x56, 0x78,
};
const Bytes header_md5 = {0xd0, 0x5a, 0xa5, 0xd5, 0xc0, 0xab, 0x6f, 0x3c,
                          0x99, 0x56, 0x70, 0x1b, 0xef, 0x91, 0x4b, 0x48};

}  // namespace

TEST_CASE("address prefixes", "[key_store]") {
    AddressPrefix p;
    p.bytes = {192, 0, 2, 0};
    p.size = 4;
    p.prefix_len = 23;
    CHECK(p.matches(std::array<std::uint8_t, 4>{192, 0, 3, 255}));
    CHECK_FALSE(p.matches(std::array<std::uint8_t, 4>{192, 0, 4, 0}));
    CHECK_FALSE(p.matches(std::array<std::uint8_t, 16>{}));  // family mismatch
    p.prefix_len = 0;
    CHECK(p.matches(std::array<std::uint8_t, 4>{10, 0, 0, 1}));
    Key k = make_key(1, "MD5", "x");
    CHECK(k.allows(std::array<std::uint8_t, 4>{1, 2, 3, 4}));
    AddressPrefix host;
    host.bytes = {127, 0, 0, 1};
    k.allowed.push_back(host);
    CHECK(k.allows(std::array<std::uint8_t, 4>{127, 0, 0, 1}));
    CHECK_FALSE(k.allows(std::array<std::uint8_t, 4>{127, 0, 0, 2}));
}

TEST_CASE("trust is separate from presence and survives reloads", "[key_store]") {
    KeyStore store;
    std::vector<Key> keys;
    keys.push_back(make_key(1, "MD5", "one"));
    keys.push_back(make_key(2, "SHA1", "two"));
    keys.push_back(make_key(0, "MD5", "never"));
    store.replace_keys(std::move(keys));
    CHECK(store.size() == 2);
    CHECK(store.find(0) == nullptr);
    store.set_trusted(1);
    store.set_trusted(0);
    CHECK(store.trusted_ids() == std::vector<std::uint32_t>{1});
    CHECK(store.trusted(1) != nullptr);
    CHECK(store.trusted(2) == nullptr);
    CHECK(store.find(2) != nullptr);
    std::vector<Key> reload;
    reload.push_back(make_key(2, "SHA1", "two"));
    store.replace_keys(std::move(reload));
    CHECK(store.key_ids() == std::vector<std::uint32_t>{2});
    CHECK(store.is_trusted(1));
    CHECK(store.trusted(1) == nullptr);  // trusted but gone
    store.set_trusted(1, false);
    CHECK_FALSE(store.is_trusted(1));
}

TEST_CASE("checking packet MACs", "[key_store]") {
    KeyStore store;
    std::vector<Key> keys;
    keys.push_back(make_key(5, "MD5", "ntpkey"));
    keys.push_back(make_key(6, "MD5", "ntpkey"));
    Key limited = make_key(7, "MD5", "ntpkey");
    AddressPrefix only;
    only.bytes = {192, 0, 2, 9};
    limited.allowed.push_back(only);
    keys.push_back(std::move(limited));
    store.replace_keys(std::move(keys));
    store.set_trusted(5);
    store.set_trusted(7);
    MacComputer macs;

    Bytes sig(20);
    REQUIRE(store.sign(macs, 5, header, sig) == 16);
    sig.resize(16);
    CHECK(sig == header_md5);
    CHECK(store.sign(macs, 6, header, sig) == 0);  // untrusted keys do not sign

    CHECK(store.check(macs, 5, header, header_md5) == AuthStatus::ok);
    CHECK(store.check(macs, 5, header, {}) == AuthStatus::crypto_nak);
    CHECK(store.check(macs, 0, header, {}) == AuthStatus::crypto_nak);
    CHECK(store.check(macs, 0, header, header_md5) == AuthStatus::unknown_key);
    CHECK(store.check(macs, 99, header, header_md5) == AuthStatus::unknown_key);
    CHECK(store.check(macs, 6, header, header_md5) == AuthStatus::untrusted_key);
    const std::array<std::uint8_t, 4> allowed{192, 0, 2, 9};
    const std::array<std::uint8_t, 4> other{192, 0, 2, 10};
    CHECK(store.check(macs, 7, header, header_md5, allowed) == AuthStatus::ok);
    CHECK(store.check(macs, 7, header, header_md5, other) == AuthStatus::address_denied);
    Bytes tampered = header;
    tampered[47] ^= 0x01;
    CHECK(store.check(macs, 5, tampered, header_md5) == AuthStatus::bad_mac);
    Bytes longer = header_md5;
    longer.resize(20, 0);
    CHECK(store.check(macs, 5, header, longer) == AuthStatus::bad_mac);
}

TEST_CASE("sign and verify through the packet codec", "[key_store]") {
    KeyStore store;
    std::vector<Key> keys;
    keys.push_back(make_key(3, "SHA1", "s3cr3t"));
    keys.push_back(make_key(4, "AES128CMAC", "0123456789abcdef"));
    store.replace_keys(std::move(keys));
    store.set_trusted(3);
    store.set_trusted(4);
    MacComputer macs;
    for (std::uint32_t id : {3u, 4u}) {
        std::array<std::uint8_t, 128> buf{};
        wire::PacketWriter w(buf);
        wire::NtpHeader h;
        h.mode = wire::Mode::server;
        h.transmit_ts = wire::NtpTimestamp(1, 2);
        REQUIRE(w.header(h));
        std::array<std::uint8_t, max_digest_size> digest{};
        const std::size_t n = store.sign(macs, id, w.authenticated(), digest);
        REQUIRE(n > 0);
        REQUIRE(w.mac(id, std::span(digest).first(n)));
        auto out = w.finish();
        REQUIRE(out);
        const auto decoded = wire::decode_packet(*out);
        REQUIRE(decoded.packet);
        REQUIRE(decoded.packet->mac);
        const auto& mac = *decoded.packet->mac;
        CHECK(store.check(macs, mac.key_id, decoded.packet->authenticated, mac.digest) == AuthStatus::ok);
    }
}
