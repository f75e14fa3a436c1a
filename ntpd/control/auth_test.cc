// The control server with real keys (libntp/auth): an MD5 `controlkey`
// request is accepted and its reply carries a MAC that verifies; an untrusted
// key and a key restricted to other addresses are refused.

#include "ntpd/control/auth.hh"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/control_capture_state.hh"

using namespace ntpd::control;
using namespace ntpd::control::testing;

namespace {

ntp::auth::Key md5_key(std::uint32_t id, const std::string& secret) {
    ntp::auth::Key k;
    k.id = id;
    k.algorithm = *ntp::auth::MacAlgorithm::from_name("MD5");
    k.secret.assign(secret.begin(), secret.end());
    return k;
}

std::vector<std::uint8_t> signed_request(const ntp::auth::KeyStore& keys, std::uint32_t key,
                                         const std::string& text) {
    m6::Header h;
    h.opcode = static_cast<std::uint8_t>(m6::Opcode::configure);
    h.sequence = 3;
    auto d = m6::encode_message(h, std::string_view(text));
    m6::pad_for_mac(d);
    // The client side: computed from the key itself, trusted or not.
    const ntp::auth::Key* k = keys.find(key);
    REQUIRE(k != nullptr);
    ntp::auth::MacComputer macs;
    std::vector<std::uint8_t> digest(20);
    digest.resize(macs.compute(k->algorithm, k->secret, d, digest));
    REQUIRE(!digest.empty());
    m6::append_mac(d, key, digest);
    return d;
}

}  // namespace

TEST_CASE("control auth: MD5 controlkey over the real key store", "[control][auth]") {
    ntp::auth::KeyStore keys;
    std::vector<ntp::auth::Key> list;
    list.push_back(md5_key(1, "ctlsecret"));
    list.push_back(md5_key(2, "other"));
    auto only_far = md5_key(3, "far");
    ntp::auth::AddressPrefix p;
    p.bytes[0] = 192;
    p.bytes[1] = 0;
    p.bytes[2] = 2;
    p.prefix_len = 24;
    only_far.allowed.push_back(p);
    list.push_back(std::move(only_far));
    keys.replace_keys(std::move(list));
    keys.set_trusted(1);
    keys.set_trusted(3);

    FakeState state;
    KeyStoreAuthenticator auth(keys);
    ServerConfig cfg = classic_config();
    cfg.control_key = 1;
    ControlServer server(cfg, state, &auth, secret, 9);
    const auto local = ep("127.0.0.1", 5000);

    auto replies = server.handle(Request{signed_request(keys, 1, "server 192.0.2.9"), local, 0, now});
    REQUIRE(replies.size() == 1);
    REQUIRE(state.config_lines == std::vector<std::string>{"server 192.0.2.9"});
    auto m = m6::decode_message(replies[0]);
    REQUIRE(m);
    REQUIRE(m->mac);
    CHECK(m->mac->key_id == 1);
    CHECK(m->mac->digest.size() == 16);
    ntp::auth::MacComputer macs;
    CHECK(keys.check(macs, 1, m->mac->signed_bytes, m->mac->digest) == ntp::auth::AuthStatus::ok);

    // Key 2 is known but not trusted; key 3 is trusted but only for 192.0.2.0/24.
    cfg.control_key = 3;
    ControlServer server3(cfg, state, &auth, secret, 9);
    for (auto [srv, key] : {std::pair{&server, 2u}, std::pair{&server3, 3u}}) {
        auto r = srv->handle(Request{signed_request(keys, key, "x"), local, 0, now});
        REQUIRE(r.size() == 1);
        CHECK(m6::decode_header(r[0])->status == 0x0100);
    }
    CHECK(state.config_lines.size() == 1);
    auto far = server3.handle(Request{signed_request(keys, 3, "y"), ep("192.0.2.50", 5000), 0, now});
    REQUIRE(far.size() == 1);
    CHECK(state.config_lines.back() == "y");
}
